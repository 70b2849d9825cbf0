package dev.crossbar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The objects {@code helm template} rendered, parsed (Jackson YAML), with the raw text kept for scans. */
record Rendered(String text, List<JsonNode> objects) {
    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static Rendered parse(String text) {
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(text)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && n.isObject() && n.has("kind")) {
                    objects.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered output is not YAML:\n" + text, e);
        }
        return new Rendered(text, List.copyOf(objects));
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String nameSuffix) {
        return ofKind(kind).stream().filter(o -> o.path("metadata").path("name").asText().endsWith(nameSuffix))
                .findFirst();
    }

    JsonNode get(String kind, String nameSuffix) {
        return find(kind, nameSuffix).orElseThrow(() -> new AssertionError("no " + kind + " named *" + nameSuffix
                + " among " + objects.stream().map(o -> o.path("kind").asText() + "/"
                        + o.path("metadata").path("name").asText()).toList()));
    }

    /** A role's Deployment (watcher, relayer, monitor). */
    JsonNode deployment(String role) {
        return get("Deployment", "-" + role);
    }

    /** The crossbar.yaml the ConfigMap holds, parsed. */
    JsonNode config() {
        return parseYaml(configText());
    }

    String configText() {
        return get("ConfigMap", "-config").path("data").path("crossbar.yaml").asText();
    }

    static JsonNode parseYaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one container of a role's pods. */
    JsonNode container(String role) {
        return deployment(role).path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** One PromQL expression of the PrometheusRule or the dashboard, with where it is used. */
    record Expression(String usedBy, String expr) {}

    /** Every expression of the PrometheusRule's alerts and of the dashboard's panels that are rendered. */
    List<Expression> expressions() {
        List<Expression> out = new ArrayList<>();
        for (JsonNode rule : ofKind("PrometheusRule")) {
            for (JsonNode g : rule.path("spec").path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    out.add(new Expression("alert " + r.path("alert").asText(), r.path("expr").asText()));
                }
            }
        }
        find("ConfigMap", "-dashboard").ifPresent(cm -> cm.path("data").fields().forEachRemaining(f -> {
            JsonNode dash = parseJson(f.getValue().asText());
            panels(dash.path("panels"), out);
        }));
        return out;
    }

    private static void panels(JsonNode panels, List<Expression> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    out.add(new Expression("panel \"" + p.path("title").asText() + "\"", t.path("expr").asText()));
                }
            }
            panels(p.path("panels"), out);
        }
    }

    static ObjectNode object() {
        return YAML.createObjectNode();
    }
}
