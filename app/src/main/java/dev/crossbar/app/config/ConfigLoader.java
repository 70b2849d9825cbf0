package dev.crossbar.app.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the configuration: the YAML file, then the environment overrides ({@link EnvOverrides}), then every
 * setting read and checked by its declaration, then the rules across sections. Every problem is reported at
 * once, each naming its key path; nothing half-valid is returned.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** @throws ConfigException when the file cannot be read or the configuration is not valid */
    public static LoadedConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("(file)", "does not exist", "")));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("(file)", "cannot be read: "
                    + e.getMessage(), "")));
        }
        return parse(text, file.toString(), env);
    }

    /** Loads configuration text (as {@link #load} does a file's). */
    public static LoadedConfig parse(String yaml, String source, Map<String, String> env) {
        ConfigNode.Obj tree;
        try {
            tree = YamlTree.parse(yaml, source);
        } catch (ConfigException e) {
            throw e.from(source);
        }
        return read(tree, source, env);
    }

    static LoadedConfig read(ConfigNode.Obj tree, String source, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>(EnvOverrides.apply(tree, Config.SCHEMA, env));
        SectionReader root = SectionReader.root(Config.SCHEMA, tree, problems);
        Config config = Config.read(root, env::get);
        if (!problems.isEmpty() || config == null) {
            throw new ConfigException(source, problems);
        }
        return new LoadedConfig(config, root.effective(), source);
    }
}
