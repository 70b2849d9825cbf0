package dev.crossbar.app;

import picocli.CommandLine;

/** Entry point of the {@code crossbar} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = new CommandLine(new CrossbarCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
        if (!Shutdown.inProgress()) {
            System.exit(code);
        }
    }

    /** Errors a user can act on are printed as one line; the stack trace only with --verbose. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            cmd.getErr().println("crossbar: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("CROSSBAR_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        }
    }
}
