package dev.crossbar.app;

import dev.crossbar.app.cli.ConfigCommand;
import dev.crossbar.app.cli.GamesCommand;
import dev.crossbar.app.cli.MessagesCommand;
import dev.crossbar.app.cli.ServiceCommands;
import dev.crossbar.app.cli.StatusCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code crossbar} command: the services and the tools to look at them. The dev launcher
 * ({@code dev} module, what {@code ./crossbar} runs) adds dev mode, the devnet tools and the benchmarks.
 */
@Command(name = "crossbar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Cross-layer bridge and messaging middleware for OP Stack compatible rollups.",
        subcommands = {ServiceCommands.Watcher.class, ServiceCommands.Relayer.class, ServiceCommands.Monitor.class,
                ServiceCommands.All.class, StatusCommand.class, MessagesCommand.class, GamesCommand.class,
                ConfigCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 3 not found, 130 stopped by Ctrl-C (after a clean stop)."})
public final class CrossbarCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed (try: crossbar --help)");
    }
}
