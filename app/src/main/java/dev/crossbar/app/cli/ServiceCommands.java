package dev.crossbar.app.cli;

import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.Shutdown;
import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.ConfigException;
import dev.crossbar.app.config.ConfigLoader;
import dev.crossbar.app.config.ConfigProblem;
import dev.crossbar.app.run.Logging;
import dev.crossbar.app.run.Role;
import dev.crossbar.app.run.Roles;
import dev.crossbar.app.run.ServiceRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The service commands: {@code crossbar watcher|relayer|monitor|all --config FILE}. Each runs until Ctrl-C
 * (or SIGTERM), then stops its services in reverse order. A role this build does not have is refused with
 * exit 2; {@code all} runs every role this build has.
 */
public final class ServiceCommands {
    private ServiceCommands() {}

    /** What every service command shares. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:CROSSBAR_CONFIG}",
                description = "The YAML configuration file (default: $CROSSBAR_CONFIG). CROSSBAR_ environment "
                        + "variables override it; see docs/configuration.md.")
        Path config;

        abstract Set<Role> roles();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Set<Role> roles = roles();
            for (Role r : roles) {
                if (Roles.factory(r).isEmpty()) {
                    err.println("crossbar: " + r.command() + " is not available in this build (it runs: "
                            + String.join(", ", Roles.available().stream().map(Role::command).toList()) + ")");
                    return ExitCodes.USAGE;
                }
            }
            if (config == null) {
                err.println("crossbar: --config FILE is needed (or set CROSSBAR_CONFIG)");
                return ExitCodes.USAGE;
            }
            Config c;
            try {
                c = ConfigLoader.load(config, System.getenv()).config();
            } catch (ConfigException e) {
                err.println("crossbar: configuration " + e.source() + " is not valid:");
                for (ConfigProblem p : e.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
            Logging.apply(c.log());
            ServiceRuntime runtime = ServiceRuntime.start(c, roles, System::getenv);
            Shutdown.onSignal(runtime::close);
            spec.commandLine().getOut().println("crossbar running: " + String.join(", ", roles.stream()
                    .map(Role::command).toList()) + "; http " + runtime.http().url() + "; Ctrl-C stops it");
            spec.commandLine().getOut().flush();
            runtime.awaitClosed();
            return ExitCodes.OK;
        }
    }

    @Command(name = "watcher", mixinStandardHelpOptions = true,
            description = "Run the watchers (one per configured chain), the Kafka outbox publisher and the HTTP server.")
    public static final class Watcher extends Base {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.WATCHER);
        }
    }

    @Command(name = "relayer", mixinStandardHelpOptions = true,
            description = "Run the relayer and the HTTP server (exit 2 when this build has no relayer).")
    public static final class Relayer extends Base {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.RELAYER);
        }
    }

    @Command(name = "monitor", mixinStandardHelpOptions = true,
            description = "Run the monitor and the HTTP server (exit 2 when this build has no monitor).")
    public static final class Monitor extends Base {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.MONITOR);
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = "Run every role this build has (watchers, relayer, monitor) in one process, with the HTTP "
                    + "server.")
    public static final class All extends Base {
        @Override
        Set<Role> roles() {
            Set<Role> missing = EnumSet.complementOf(EnumSet.copyOf(Roles.available()));
            if (!missing.isEmpty()) {
                spec.commandLine().getErr().println("crossbar: not in this build: " + String.join(", ",
                        missing.stream().map(Role::command).toList()));
            }
            return EnumSet.copyOf(Roles.available());
        }
    }
}
