package dev.crossbar.app.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.crossbar.app.config.LogSettings;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format} and {@code log.level} at start: the root logger gets one appender, text
 * ({@code key=value} lines) or JSON (one object per line, logback's {@link JsonEncoder}), on standard error.
 * Same layouts as {@code logback.xml}, which applies {@code CROSSBAR_LOG_FORMAT} before the configuration is
 * read.
 */
public final class Logging {
    /**
     * One line per event: a line break in the message (a value from a request or an operator, say) is written as
     * {@code \r} / {@code \n}, so it cannot forge a line of its own.
     */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - "
            + "%replace(%replace(%msg){'\\r', '\\\\r'}){'\\n', '\\\\n'}%n";

    private Logging() {}

    /** To standard error. */
    public static void apply(LogSettings settings) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        install(settings, console);
    }

    /** To {@code out} (tests). */
    public static void apply(LogSettings settings, OutputStream out) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setOutputStream(out);
        install(settings, appender);
    }

    private static void install(LogSettings settings, OutputStreamAppender<ILoggingEvent> appender) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Encoder<ILoggingEvent> encoder = settings.format() == LogSettings.Format.JSON ? json(ctx) : text(ctx);
        appender.setContext(ctx);
        appender.setName(settings.format().name().toLowerCase(java.util.Locale.ROOT));
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.toLevel(settings.level().name(), Level.INFO));
    }

    private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithFormattedMessage(true);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithContext(false);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(TEXT_PATTERN);
        e.start();
        return e;
    }
}
