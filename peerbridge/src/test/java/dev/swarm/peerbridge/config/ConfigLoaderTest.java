package dev.swarm.peerbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    @Test
    void theShippedFileIsValidAndEqualToTheDefaults() throws Exception {
        Path shipped = Path.of("..", "conf", "peerbridge.yaml");
        BridgeConfig c = ConfigLoader.load(shipped);
        BridgeConfig d = BridgeConfig.defaults();
        assertEquals(d.connections(), c.connections());
        assertEquals(d.trackers(), c.trackers());
        assertEquals(d.tex(), c.tex());
        assertEquals(d.listen(), c.listen());
        assertEquals(d.api(), c.api());
        assertEquals(List.of(), c.torrents());
        assertNull(c.watchDir());
        assertEquals(d.dht(), c.dht());
    }

    @Test
    void theDhtIsOffAndReadOnlyByDefaultAndBootstrapNodesAreCheckedNotResolved() throws Exception {
        BridgeConfig.Dht d = BridgeConfig.defaults().dht();
        assertEquals(List.of(), d.bootstrap());
        assertTrue(!d.enabled() && d.readOnly());
        BridgeConfig.Dht on = ConfigLoader.parse("dht:\n  bootstrap: [\"node.invalid:6881\", \"127.0.0.2:7000\"]\n").dht();
        assertTrue(on.enabled());
        assertEquals("node.invalid", on.bootstrap().get(0).getHostString());
        assertTrue(on.bootstrap().get(0).isUnresolved(), "resolved by the node, not by the config loader");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("dht:\n  bootstrap: [\"127.0.0.2\"]\n"));
        assertTrue(e.getMessage().contains("'dht.bootstrap'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("dht:\n  max-nodes: 2\n"));
        assertTrue(e.getMessage().contains("'dht.max-nodes'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("dht:\n  read-olny: false\n"));
        assertTrue(e.getMessage().contains("dht.read-olny"), e.getMessage());
    }

    @Test
    void everyKeyOfTheShippedFileIsCommented() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "conf", "peerbridge.yaml"));
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.strip().startsWith("#") && l.contains(":") && !l.strip().startsWith("-")) {
                assertTrue(lines.get(i - 1).strip().startsWith("#"), "key without a comment: " + l);
            }
        }
    }

    @Test
    void unknownKeysAreRejectedWithTheirName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("tex:\n  max-lerned: 3\n"));
        assertTrue(e.getMessage().contains("tex.max-lerned"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("lisen: 1.2.3.4:5\n"));
        assertTrue(e.getMessage().contains("'lisen'"), e.getMessage());
    }

    @Test
    void badValuesNameTheKey() {
        assertMessage("connections:\n  idle-timeout: 10 minutes\n", "connections.idle-timeout");
        assertMessage("connections:\n  max-total: 0\n", "connections.max-total");
        assertMessage("listen: nowhere\n", "listen");
        assertMessage("trackers:\n  numwant: many\n", "trackers.numwant");
        assertMessage("connections:\n  keepalive-interval: 5m\n  idle-timeout: 1m\n", "keepalive-interval");
        assertMessage("peer-id-prefix: \"-THIS-IS-TOO-LONG-\"\n", "peer-id-prefix");
        assertMessage("torrents: [\"\"]\n", "torrents");
    }

    @Test
    void valuesAreRead() throws Exception {
        BridgeConfig c = ConfigLoader.parse("""
                listen: 127.0.0.1:0
                api: ""
                tex:
                  interval: 1s
                  initial-delay: 0s
                trackers:
                  announce-to-all: false
                torrents:
                  - "0123456789abcdef0123456789abcdef01234567 http://127.0.0.1:1/announce"
                """);
        assertEquals(0, c.listen().getPort());
        assertNull(c.api());
        assertEquals(Duration.ofSeconds(1), c.tex().interval());
        assertEquals(Duration.ZERO, c.tex().initialDelay());
        assertEquals(false, c.trackers().announceToAll());
        assertEquals(1, c.torrents().size());
    }

    private static void assertMessage(String yaml, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml), yaml);
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
