package dev.swarm.peerbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() throws Exception {
        BridgeConfig.Health h = ConfigLoader.parse("").health();
        assertEquals(Duration.ofSeconds(60), h.probeInterval());
        assertEquals(Duration.ofSeconds(10), h.probeTimeout());
        assertEquals(100, h.lastN());
        assertEquals(Duration.ofDays(7), h.rawRetention());
        assertEquals(Duration.ofDays(90), h.rollupRetention());
        assertEquals(Duration.ofSeconds(1), h.flushInterval());
        assertNull(h.webhook());
        String xdg = System.getenv("XDG_STATE_HOME");
        Path expected = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg, "peerbridge")
                : Path.of(System.getProperty("user.home"), ".local", "state", "peerbridge");
        assertEquals(expected, h.dataDir());
    }

    @Test
    void valuesAndARelativeDataDirBesideTheFile() throws Exception {
        Path f = dir.resolve("pb.yaml");
        Files.writeString(f, """
                data-dir: state
                health:
                  probe-interval: 2s
                  probe-timeout: 500ms
                  last-n: 20
                  history:
                    raw-retention: 2d
                    rollup-retention: 30d
                    flush-interval: 250ms
                  alerts:
                    webhook: http://127.0.0.1:9000/hook
                    timeout: 1s
                    queue: 5
                """);
        BridgeConfig.Health h = ConfigLoader.load(f).health();
        assertEquals(dir.resolve("state"), h.dataDir());
        assertEquals(Duration.ofSeconds(2), h.probeInterval());
        assertEquals(Duration.ofMillis(500), h.probeTimeout());
        assertEquals(20, h.lastN());
        assertEquals(Duration.ofDays(2), h.rawRetention());
        assertEquals(Duration.ofDays(30), h.rollupRetention());
        assertEquals(Duration.ofMillis(250), h.flushInterval());
        assertEquals(URI.create("http://127.0.0.1:9000/hook"), h.webhook());
        assertEquals(5, h.webhookQueue());
    }

    @Test
    void badValuesNameTheirKey() {
        assertMessage("health:\n  alerts:\n    webhook: ftp://x/y\n", "'health.alerts.webhook'");
        assertMessage("health:\n  alerts:\n    webhook: \"http://\"\n", "'health.alerts.webhook'");
        assertMessage("health:\n  probe-interval: 0s\n", "'health.probe-interval'");
        assertMessage("health:\n  probe-interval: soon\n", "'health.probe-interval'");
        assertMessage("health:\n  history:\n    raw-retention: 100d\n", "'health.history.raw-retention'");
        assertMessage("health:\n  last-n: 0\n", "'health.last-n'");
        assertMessage("health:\n  probes: 1\n", "'health.probes'");
        assertMessage("health: 3\n", "health");
    }

    private static void assertMessage(String yaml, String part) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
