package dev.crossbar.app.cli;

import dev.crossbar.app.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running service's HTTP API. Exit codes: 0 done, 1 the service is unreachable or
 * refused (401, 403, 409, 5xx), 2 a bad argument (400, or a bad --url), 3 not found (404).
 */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:CROSSBAR_URL:-http://127.0.0.1:8080}",
            description = "The service's HTTP address (default: $CROSSBAR_URL or http://127.0.0.1:8080; now "
                    + "${DEFAULT-VALUE}).")
    String url;

    /** How environment variables are read (tests give their own). */
    java.util.function.Function<String, String> env = System::getenv;

    @Override
    public final Integer call() {
        ApiClient api;
        try {
            api = new ApiClient(url);
        } catch (IllegalArgumentException e) {
            err().println("crossbar: --url " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            return run(api);
        } catch (ApiClient.Unreachable e) {
            err().println("crossbar: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    abstract int run(ApiClient api) throws ApiClient.Unreachable;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints an error answer and returns its exit code. */
    int failed(ApiClient.Response r) {
        err().println("crossbar: " + r.error());
        return switch (r.status()) {
            case 400 -> ExitCodes.USAGE;
            case 404 -> ExitCodes.NOT_FOUND;
            default -> ExitCodes.FAILURE;
        };
    }
}
