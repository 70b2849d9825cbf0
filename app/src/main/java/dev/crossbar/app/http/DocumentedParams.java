package dev.crossbar.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The query parameters each operation takes, read from the OpenAPI document (the one description of the API): a
 * request with any other parameter is refused with a 400 naming it, so that a misspelt filter is not silently
 * ignored and a request the API does not describe changes nothing.
 */
final class DocumentedParams {
    private record Operation(String method, String template, Pattern path, Set<String> query) {}

    private final List<Operation> operations;

    private DocumentedParams(List<Operation> operations) {
        this.operations = operations;
    }

    static DocumentedParams of(String openapiYaml) {
        JsonNode doc;
        try {
            doc = new ObjectMapper(new YAMLFactory()).readTree(openapiYaml);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document does not parse", e);
        }
        JsonNode shared = doc.path("components").path("parameters");
        List<Operation> out = new ArrayList<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            Set<String> query = new TreeSet<>();
            for (JsonNode param : m.getValue().path("parameters")) {
                JsonNode resolved = param.has("$ref")
                        ? shared.path(param.path("$ref").asText().replace("#/components/parameters/", "")) : param;
                if (resolved.isMissingNode()) {
                    throw new IllegalStateException("the OpenAPI document refers to an undefined parameter "
                            + param.path("$ref").asText());
                }
                if (resolved.path("in").asText().equals("query")) {
                    query.add(resolved.path("name").asText());
                }
            }
            String regex = Pattern.quote(p.getKey()).replaceAll("\\{\\w+}", "\\\\E[^/]+\\\\Q");
            out.add(new Operation(m.getKey().toUpperCase(Locale.ROOT), p.getKey(), Pattern.compile(regex), query));
        }));
        return new DocumentedParams(List.copyOf(out));
    }

    /** Passes the request on unless it has a query parameter its operation does not take. */
    void check(RoutingContext ctx) {
        String method = ctx.request().method().name();
        String path = HttpService.routedPath(ctx);
        for (Operation op : operations) {
            if (op.method.equals(method) && op.path.matcher(path).matches()) {
                for (String name : ctx.queryParams().names()) {
                    if (!op.query.contains(name)) {
                        Responses.error(ctx, 400, "unknown parameter '" + ApiRoutes.shown(name) + "' for " + method
                                + " " + op.template + (op.query.isEmpty() ? " (it takes none)"
                                        : " (it takes: " + String.join(", ", op.query) + ")"));
                        return;
                    }
                }
                break;
            }
        }
        ctx.next();
    }
}
