package dev.crossbar.app;

import dev.crossbar.app.config.ConfigException;
import picocli.CommandLine;

/** Entry point of the {@code crossbar} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        exit(commandLine().execute(args));
    }

    /** The {@code crossbar} command line, with a launcher's own {@code commands} (picocli command objects) added. */
    public static CommandLine commandLine(Object... commands) {
        CommandLine cli = new CommandLine(new CrossbarCommand());
        for (Object c : commands) {
            cli.addSubcommand(c);
        }
        // Set after the subcommands are added: picocli applies these to the subcommands present.
        return cli.setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler(new ErrorHandler());
    }

    /** Exits with {@code code}, unless a shutdown (Ctrl-C) is stopping the process in its own time. */
    public static void exit(int code) {
        Shutdown.exit(code);
    }

    /**
     * Errors a user can act on are printed as one line (a configuration's problems one per line, exit 2); the stack
     * trace only with CROSSBAR_DEBUG set.
     */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            if (e instanceof ConfigException) {
                // found once the services reached the chains (a contract that is not what the file says)
                cmd.getErr().println("crossbar: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            cmd.getErr().println("crossbar: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("CROSSBAR_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        }
    }
}
