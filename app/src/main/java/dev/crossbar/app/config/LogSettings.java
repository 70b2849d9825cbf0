package dev.crossbar.app.config;

/** The {@code log} section: text (key=value) or JSON lines, and the level. */
public record LogSettings(Format format, Level level) {
    public enum Format { TEXT, JSON }

    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    static final Key<Format> FORMAT = Key.of("format", Types.oneOf(Format.class), "text",
            "text: key=value lines for people; json: one JSON object per line for log collectors");
    static final Key<Level> LEVEL = Key.of("level", Types.oneOf(Level.class, true), "INFO",
            "the least severe level logged");
    static final Section SECTION = Section.mapping("log", "Logging, on standard error.", FORMAT, LEVEL);

    static LogSettings read(SectionReader root) {
        SectionReader r = root.section(SECTION);
        return new LogSettings(r.get(FORMAT), r.get(LEVEL));
    }
}
