package dev.crossbar.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw configuration as read from the file and the environment, before any typing: mappings, lists and
 * scalars, every scalar kept as the text that was written (so that {@code 0x00ab} stays an address and
 * {@code 007} stays what the user wrote). Each node knows where it came from, for error messages.
 *
 * <p>Mutable only while the loader applies environment overrides; nothing keeps it afterwards.
 */
sealed interface ConfigNode {

    /** Where the node was written: {@code line 12}, or the environment variable that set it. */
    String origin();

    /** What kind of node it is, for "expected ..., found ..." messages. */
    String kind();

    /** A mapping of names to nodes, in the order written. */
    record Obj(Map<String, ConfigNode> fields, String origin) implements ConfigNode {
        Obj(String origin) {
            this(new LinkedHashMap<>(), origin);
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** A list. */
    record Arr(List<ConfigNode> items, String origin) implements ConfigNode {
        Arr(String origin) {
            this(new ArrayList<>(), origin);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar, as the text that was written (unquoted). */
    record Scalar(String text, String origin) implements ConfigNode {
        @Override
        public String kind() {
            return "a single value";
        }
    }
}
