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
            description = "The service's HTTP address, with its http.pathPrefix if it has one (e.g. "
                    + "http://127.0.0.1:8080/crossbar; default: $CROSSBAR_URL or http://127.0.0.1:8080; now "
                    + "${DEFAULT-VALUE}).")
    String url;

    /** The variable a token is taken from when no --token-env is given (the chart's pods have it). */
    static final String DEFAULT_TOKEN_ENV = "CROSSBAR_READ_TOKEN";

    @Option(names = "--token-env", paramLabel = "NAME",
            description = "The environment variable holding the service's bearer token: its http.readToken (or "
                    + "http.adminToken) for reads, its http.adminToken for admin actions. Without it, the token in "
                    + DEFAULT_TOKEN_ENV + " is sent when that is set.")
    String tokenEnv;

    /** How environment variables are read (tests give their own). */
    java.util.function.Function<String, String> env = System::getenv;

    @Override
    public final Integer call() {
        String token;
        if (tokenEnv != null) {
            token = env.apply(tokenEnv);
            if (token == null || token.isBlank()) {
                err().println("crossbar: the environment variable " + tokenEnv + " (--token-env) is not set");
                return ExitCodes.USAGE;
            }
        } else {
            token = env.apply(DEFAULT_TOKEN_ENV);
        }
        ApiClient api;
        try {
            api = new ApiClient(url, token == null || token.isBlank() ? null : token.trim());
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
