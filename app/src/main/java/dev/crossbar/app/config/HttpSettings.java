package dev.crossbar.app.config;

/**
 * The {@code http} section: the health, metrics and API server.
 *
 * @param adminToken the bearer token admin actions need; null: admin actions are refused
 */
public record HttpSettings(HostPort address, SecretRef adminToken) {
    static final Key<HostPort> ADDRESS = Key.of("address", Types.HOST_PORT, "127.0.0.1:8080",
            "where the server listens (host:port; port 0 picks a free one)");
    static final Key<SecretRef> ADMIN_TOKEN = Key.optional("adminToken", RefTypes.SECRET,
            "none (admin actions refused)", "the bearer token admin actions (retry, breaker reset/trip) need,"
                    + " as a secret reference");
    static final Section SECTION = Section.mapping("http",
            "The HTTP server: /health/live, /health/ready, /metrics and the JSON API under /api/.",
            ADDRESS, ADMIN_TOKEN);

    public HttpSettings withAddress(HostPort a) {
        return new HttpSettings(a, adminToken);
    }

    static HttpSettings read(SectionReader root) {
        SectionReader r = root.section(SECTION);
        return new HttpSettings(r.get(ADDRESS), r.get(ADMIN_TOKEN));
    }
}
