package dev.crossbar.app.cli;

import dev.crossbar.app.CrossbarCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the {@code crossbar} command line in this JVM, as {@code Main} does, and keeps what it printed. */
final class Cli {
    final String out;
    final String err;
    final int exitCode;

    private Cli(String out, String err, int exitCode) {
        this.out = out;
        this.err = err;
        this.exitCode = exitCode;
    }

    static Cli run(String... args) {
        return run(Map.of(), args);
    }

    /** With {@code env} as the environment of the commands that read one. */
    static Cli run(Map<String, String> env, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = CommandLine.defaultFactory().create(cls);
                if (k instanceof ApiCommand api) {
                    api.env = env::get;
                }
                if (k instanceof ConfigCommand.Check check) {
                    check.environment = env;
                }
                return k;
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new CrossbarCommand(), factory).setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Cli(out.toString(), err.toString(), code);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
