package dev.crossbar.app.config;

/** Where a server listens: a host (name or address) and a port; port 0 picks a free one. */
public record HostPort(String host, int port) {
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
