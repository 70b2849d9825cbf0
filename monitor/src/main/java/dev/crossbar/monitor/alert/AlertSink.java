package dev.crossbar.monitor.alert;

/** Somewhere alerts go. Implementations may block (the dispatcher calls them from its own threads). */
public interface AlertSink {
    /** A name for logs and the {@code component} tag: its format, e.g. {@code alertmanager}. */
    String format();

    /** Where it delivers, for logs (no credentials). */
    String describe();

    /**
     * Delivers one alert.
     *
     * @throws Exception when it was not accepted (it is retried)
     */
    void deliver(Alert alert) throws Exception;
}
