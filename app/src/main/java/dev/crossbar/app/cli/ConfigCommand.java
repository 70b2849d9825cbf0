package dev.crossbar.app.cli;

import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.config.ConfigDocs;
import dev.crossbar.app.config.ConfigException;
import dev.crossbar.app.config.ConfigLoader;
import dev.crossbar.app.config.ConfigProblem;
import dev.crossbar.app.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crossbar config}: check a configuration file; print the configuration reference. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check a configuration file, or print the configuration reference.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Docs.class})
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: check or docs");
    }

    /** {@code crossbar config check FILE}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file (with the environment's CROSSBAR_ overrides) and print the "
                    + "effective configuration, defaults filled in, secrets shown only as references. Exit 2 when "
                    + "it is not valid, listing every problem with its key path.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The YAML configuration file.")
        Path file;

        /** The environment (tests give their own). */
        java.util.Map<String, String> environment = System.getenv();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LoadedConfig loaded;
            try {
                loaded = ConfigLoader.load(file, environment);
            } catch (ConfigException e) {
                err.println("crossbar: configuration " + e.source() + " is not valid ("
                        + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "):");
                for (ConfigProblem p : e.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
            out.println("# configuration " + file + " is valid; effective settings (defaults filled in):");
            out.print(loaded.effectiveYaml());
            var secrets = loaded.secrets(environment::get);
            if (!secrets.isEmpty()) {
                out.println("# secret references (values are never shown):");
                for (var s : secrets) {
                    out.println("#   " + s.path() + " " + s.ref() + ": "
                            + (s.problem() == null ? "resolves here" : "does NOT resolve here: " + s.problem()));
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code crossbar config docs}. */
    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Print the configuration reference (Markdown), generated from the settings' declarations; "
                    + "docs/configuration.md is this output.")
    static final class Docs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write it to FILE instead.")
        Path output;

        @Override
        public Integer call() throws IOException {
            String md = ConfigDocs.markdown();
            if (output == null) {
                spec.commandLine().getOut().print(md);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(output, md);
            }
            return ExitCodes.OK;
        }
    }
}
