package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Loads YAML text the way an operator's config file is loaded, for the configuration tests. */
abstract class ConfigFileTestBase {
    @TempDir
    Path dir;

    TrackerConfig load(String yaml) throws IOException {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, Map.of());
    }

    /** The message of the ConfigException that loading {@code yaml} must raise. */
    String error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }
}
