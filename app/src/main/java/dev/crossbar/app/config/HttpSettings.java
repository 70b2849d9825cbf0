package dev.crossbar.app.config;

/**
 * The {@code http} section: the health, metrics and API server.
 *
 * @param adminToken the bearer token admin actions need; null: admin actions are refused
 * @param readToken the bearer token every {@code /api/} request needs (the admin token is accepted too); null: the
 *     read API is open to whoever reaches the address
 * @param pathPrefix the path everything is served under ({@code /crossbar}: {@code /crossbar/api/...},
 *     {@code /crossbar/health/ready}, the console at {@code /crossbar/}); empty: served at {@code /}
 */
public record HttpSettings(HostPort address, SecretRef adminToken, SecretRef readToken, String pathPrefix) {
    static final Key<HostPort> ADDRESS = Key.of("address", Types.HOST_PORT, "127.0.0.1:8080",
            "where the server listens (host:port; port 0 picks a free one)");
    static final Key<SecretRef> ADMIN_TOKEN = Key.optional("adminToken", RefTypes.SECRET,
            "none (admin actions refused)", "the bearer token admin actions (retry, breaker reset/trip) need,"
                    + " as a secret reference");
    static final Key<SecretRef> READ_TOKEN = Key.optional("readToken", RefTypes.SECRET,
            "none (the API is open to whoever reaches http.address)", "the bearer token every /api/ request needs"
                    + " (the admin token is accepted too), as a secret reference; /health/live, /health/ready and"
                    + " /metrics stay open for probes and Prometheus");
    static final Key<String> PATH_PREFIX = Key.of("pathPrefix", Types.PATH_PREFIX, "",
            "serve everything under this path, for an ingress that routes a prefix without stripping it: with"
                    + " /crossbar, the API is at /crossbar/api/, the probes at /crossbar/health/live and"
                    + " /crossbar/health/ready, Prometheus at /crossbar/metrics, the console at /crossbar/ (/crossbar"
                    + " redirects there); nothing is served outside it. Starts with /, no trailing slash, segments of"
                    + " letters, digits, '-', '.', '_', '~'");
    static final Section SECTION = Section.mapping("http",
            "The HTTP server: /health/live, /health/ready, /metrics, the JSON API under /api/ and the console at /"
                    + " (all under http.pathPrefix when set).",
            ADDRESS, ADMIN_TOKEN, READ_TOKEN, PATH_PREFIX);

    public HttpSettings withAddress(HostPort a) {
        return new HttpSettings(a, adminToken, readToken, pathPrefix);
    }

    static HttpSettings read(SectionReader root) {
        SectionReader r = root.section(SECTION);
        return new HttpSettings(r.get(ADDRESS), r.get(ADMIN_TOKEN), r.get(READ_TOKEN), r.get(PATH_PREFIX));
    }
}
