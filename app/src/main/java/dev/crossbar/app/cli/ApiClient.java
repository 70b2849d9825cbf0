package dev.crossbar.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.crossbar.core.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** A small blocking client of a running service's HTTP API, for the CLI. */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;
    private final String bearerToken;

    /**
     * @param url the service's base URL, with the path prefix it is served under if any
     *     ({@code http://127.0.0.1:8080}, {@code https://ops.example.net/crossbar}); API paths are appended to it
     * @param bearerToken sent as {@code Authorization: Bearer} with every request, or null
     * @throws IllegalArgumentException when {@code url} is not an http(s) URL, or carries a query or fragment
     */
    ApiClient(String url, String bearerToken) {
        URI u;
        try {
            u = URI.create(url.replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (e.g. http://127.0.0.1:8080)");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL (e.g. http://127.0.0.1:8080)");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + url + "' has a " + (u.getRawQuery() != null ? "query" : "fragment")
                    + ": give the service's base URL (e.g. http://127.0.0.1:8080, or with the path prefix it is"
                    + " served under: https://ops.example.net/crossbar)");
        }
        this.base = u;
        this.bearerToken = bearerToken;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI base() {
        return base;
    }

    /** The base URL's path (the prefix, as written: encoded) followed by {@code pathAndQuery} ({@code /api/...}). */
    URI at(String pathAndQuery) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + pathAndQuery);
    }

    Response get(String pathAndQuery) throws Unreachable {
        return send(HttpRequest.newBuilder(at(pathAndQuery)).GET());
    }

    Response post(String pathAndQuery) throws Unreachable {
        return send(HttpRequest.newBuilder(at(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Response send(HttpRequest.Builder request) throws Unreachable {
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> r;
        try {
            r = http.send(request.timeout(TIMEOUT).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable(base, "connection refused");
        } catch (HttpTimeoutException e) {
            throw new Unreachable(base, "no answer within " + TIMEOUT.toSeconds() + "s");
        } catch (IOException e) {
            throw new Unreachable(base, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(base, "interrupted");
        }
        JsonNode body;
        try {
            body = r.body().isEmpty() ? NullNode.instance : Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new Unreachable(base, "answered with something that is not JSON (HTTP " + r.statusCode()
                    + "): is this a crossbar service?");
        }
        return new Response(r.statusCode(), body);
    }

    /** An answer: its status and JSON body. */
    record Response(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The {@code error} of an error answer. */
        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    /** The service could not be reached, or did not answer like one. */
    static final class Unreachable extends Exception {
        Unreachable(URI base, String why) {
            super("cannot reach the crossbar service at " + base + ": " + why
                    + " (is it running? --url or CROSSBAR_URL names it)");
        }
    }
}
