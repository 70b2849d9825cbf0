package dev.crossbar.app.config;

/**
 * One thing wrong with a configuration.
 *
 * @param path the key path, e.g. {@code chains[1].rpc[0]}
 * @param message what is wrong, e.g. {@code 'htp://x' is not an http(s) URL}; never a secret's value
 * @param origin where it was written ({@code line 12}, an environment variable), or empty
 */
public record ConfigProblem(String path, String message, String origin) {
    @Override
    public String toString() {
        return path + ": " + message + (origin == null || origin.isEmpty() ? "" : " (" + origin + ")");
    }
}
