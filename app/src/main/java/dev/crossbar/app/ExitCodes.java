package dev.crossbar.app;


/** Exit codes scripts can rely on. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed (a chain, the broker or the store was unreachable, a step failed). */
    public static final int FAILURE = 1;
    /** The command line or the configuration is wrong; the message names what. */
    public static final int USAGE = 2;
    /** The thing asked for does not exist (no such message, no running devnet). */
    public static final int NOT_FOUND = 3;
    /**
     * Dev mode stopped because one of its child processes (an anvil node, the Kafka broker) exited under it; the
     * message names the child and its log.
     */
    public static final int CHILD_EXITED = 4;
    /** Stopped by Ctrl-C (SIGINT), after a clean stop; SIGTERM gives 143. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
