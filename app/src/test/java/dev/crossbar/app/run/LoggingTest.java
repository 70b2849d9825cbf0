package dev.crossbar.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.config.LogSettings;
import dev.crossbar.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code log.format} and {@code log.level} apply at start. */
class LoggingTest {
    private static final Logger log = LoggerFactory.getLogger(LoggingTest.class);

    @AfterEach
    void restore() {
        Logging.apply(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.INFO));
    }

    @Test
    void aJsonLogLineParsesAsJson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.apply(new LogSettings(LogSettings.Format.JSON, LogSettings.Level.INFO), out);
        log.info("message retried by operator: message={} from={} to={}", "0xabc", "FAILED", "READY");
        log.warn("quotes \"and\" newlines\nsurvive: reason={}", "x");
        log.debug("below the level: not logged");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo(LoggingTest.class.getName());
        assertThat(first.path("formattedMessage").asText())
                .isEqualTo("message retried by operator: message=0xabc from=FAILED to=READY");
        assertThat(Json.MAPPER.readTree(lines.get(1)).path("formattedMessage").asText())
                .isEqualTo("quotes \"and\" newlines\nsurvive: reason=x");
    }

    @Test
    void textLinesAreKeyValueAndTheLevelApplies() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.apply(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.DEBUG), out);
        log.debug("step committed: chain={} events={}", "l2a", 3);
        log.trace("not logged");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} DEBUG LoggingTest - step committed: chain=l2a events=3\\R");
    }

    /**
     * A value from outside (a request's path or query, an operator's reason) with line breaks cannot forge a log line
     * in the text format: the breaks are written as {@code \n} and {@code \r}, on the one line of the event.
     */
    @Test
    void aLineBreakInALoggedValueCannotForgeATextLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.apply(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.INFO), out);
        log.warn("admin action refused: path={}", "/api/x\r\n12:00:00.000 INFO  AdminRoutes - breaker reset");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).endsWith("admin action refused: path=/api/x\\r\\n12:00:00.000 INFO  AdminRoutes"
                + " - breaker reset");
    }

    /** {@code logback.xml} (applied before the configuration is read) writes text lines the same way. */
    @Test
    void logbackXmlHasTheSameTextPattern() throws Exception {
        try (var in = LoggingTest.class.getResourceAsStream("/logback.xml")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("<pattern>" + Logging.TEXT_PATTERN + "</pattern>");
        }
    }
}
