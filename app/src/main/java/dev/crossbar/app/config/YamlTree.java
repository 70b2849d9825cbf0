package dev.crossbar.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;

/**
 * Reads YAML into a {@link ConfigNode} tree with every scalar kept as written. A key written twice in one
 * mapping is an error (YAML parsers usually let the last one win silently); an empty file is an empty
 * mapping; {@code ~} and empty values count as not set.
 */
final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {}

    /** @throws ConfigException when the text is not YAML or its top level is not a mapping */
    static ConfigNode.Obj parse(String text, String source) {
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new ConfigNode.Obj("line 1");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(source, List.of(new ConfigProblem("(top level)",
                        "the configuration must be a mapping of sections (chains, store, kafka, ...)", origin(p))));
            }
            return readObject(p, "");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr();
            throw new ConfigException(source, List.of(new ConfigProblem("(file)", "not valid YAML: "
                    + e.getOriginalMessage(), where)));
        } catch (IOException e) {
            throw new ConfigException(source, List.of(new ConfigProblem("(file)", "cannot be read: " + e.getMessage(),
                    "")));
        }
    }

    private static ConfigNode.Obj readObject(JsonParser p, String path) throws IOException {
        ConfigNode.Obj obj = new ConfigNode.Obj(origin(p));
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            String origin = origin(p);
            String childPath = path.isEmpty() ? name : path + "." + name;
            ConfigNode value = readValue(p, p.nextToken(), childPath);
            if (obj.fields().containsKey(name)) {
                throw new ConfigException("", List.of(new ConfigProblem(childPath, "is written twice", origin)));
            }
            if (value != null) {
                obj.fields().put(name, value);
            }
        }
        return obj;
    }

    private static ConfigNode readValue(JsonParser p, JsonToken t, String path) throws IOException {
        return switch (t) {
            case START_OBJECT -> readObject(p, path);
            case START_ARRAY -> {
                ConfigNode.Arr arr = new ConfigNode.Arr(origin(p));
                int i = 0;
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    ConfigNode value = readValue(p, item, path + "[" + i++ + "]");
                    arr.items().add(value == null ? new ConfigNode.Scalar("", origin(p)) : value);
                }
                yield arr;
            }
            case VALUE_NULL -> null;
            default -> {
                String text = p.getText();
                yield text == null || text.isEmpty() ? null : new ConfigNode.Scalar(text, origin(p));
            }
        };
    }

    private static String origin(JsonParser p) {
        return "line " + p.currentTokenLocation().getLineNr();
    }
}
