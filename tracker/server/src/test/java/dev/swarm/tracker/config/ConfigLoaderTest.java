package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest extends ConfigFileTestBase {

    @Test
    void defaultsAreTheDocumentedValues() {
        TrackerConfig c = ConfigLoader.defaults();
        assertEquals(HostPort.parse("127.0.0.1:6969"), c.http().listen());
        assertEquals(HostPort.parse("127.0.0.1:6969"), c.udp().listen());
        assertEquals(Duration.ofMinutes(30), c.announce().interval());
        assertEquals(Duration.ofMinutes(45), c.announce().peerTimeout());
        assertEquals(50, c.announce().defaultNumwant());
        assertEquals(TrackerConfig.StoreType.OFFHEAP, c.store().type());
        assertEquals(ConfigLoader.dataDir("", System.getenv("XDG_STATE_HOME"), ConfigLoader.home()),
                c.store().dataDir());
        assertTrue(c.store().dataDir().isAbsolute() && c.store().dataDir().endsWith("swarm-tracker"), c.store().dataDir().toString());
        assertEquals(4 << 20, c.udp().receiveBuffer());
        assertNull(c.udp().connectionIdSecret());
        assertFalse(c.announce().trustAnnouncedIp());
    }

    @Test
    void theDataDirectoryIsAbsoluteAndTheDefaultDoesNotDependOnTheWorkingDirectory() {
        assertEquals(Path.of("/home/u/.local/state/swarm-tracker"), ConfigLoader.dataDir("", null, "/home/u"));
        assertEquals(Path.of("/home/u/.local/state/swarm-tracker"), ConfigLoader.dataDir("", "", "/home/u"));
        assertEquals(Path.of("/home/u/.local/state/swarm-tracker"), ConfigLoader.dataDir("", "relative/xdg", "/home/u"),
                "a relative XDG_STATE_HOME is ignored, as the XDG spec says");
        assertEquals(Path.of("/var/state/swarm-tracker"), ConfigLoader.dataDir("", "/var/state", "/home/u"));
        assertEquals(Path.of("/srv/t"), ConfigLoader.dataDir("/srv/./t", "/var/state", "/home/u"));
        assertEquals(Path.of("").toAbsolutePath().resolve("d"), ConfigLoader.dataDir("d", null, "/home/u"));
        assertEquals(Path.of("").toAbsolutePath().resolve("d").resolve("registry"),
                ConfigLoader.load(null, Map.of("store.data-dir", "d")).registry().dataDir());
    }

    @Test
    void everyKeyOfTheDefaultFileIsCommented() {
        String[] lines = ConfigLoader.defaultYaml().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("  ") && !l.trim().startsWith("#") && l.contains(":")) {
                assertTrue(lines[i - 1].trim().startsWith("#"), "key without a comment above it: " + l.trim());
            }
        }
    }

    @Test
    void operatorFileOverridesDefaults() throws IOException {
        TrackerConfig c = load("announce:\n  interval: 15m\nudp:\n  listen: off\n");
        assertEquals(Duration.ofMinutes(15), c.announce().interval());
        assertNull(c.udp().listen());
        assertEquals(Duration.ofMinutes(5), c.announce().minInterval(), "untouched keys keep their default");
    }

    @Test
    void unknownKeysAreRejectedByName() {
        assertTrue(error("udp:\n  lisen: 1.2.3.4:5\n").startsWith("udp.lisen: unknown key"));
        assertTrue(error("nope: 1\n").startsWith("nope: unknown key"));
        assertTrue(error("http:\n  io_threads: 2\n").contains("did you mean 'http.io-threads'"));
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(error("udp:\n  listen: localhost\n").startsWith("udp.listen: expected HOST:PORT"));
        assertTrue(error("http:\n  listen: 127.0.0.1:70000\n").startsWith("http.listen: port must be 0..65535"));
        assertTrue(error("admin:\n  listen: 127.0.0.1:-1\n").startsWith("admin.listen: port must be 0..65535"));
        assertTrue(error("announce:\n  interval: 30\n").startsWith("announce.interval: expected a duration"));
        assertTrue(error("announce:\n  default-numwant: lots\n").startsWith("announce.default-numwant: expected a whole number"));
        assertTrue(error("store:\n  type: redis\n").startsWith("store.type: expected one of offheap, heap"));
        assertTrue(error("udp:\n  connection-id-secret: abc\n").startsWith("udp.connection-id-secret: expected 32 hex"));
        assertTrue(error("announce:\n  peer-timeout: 10m\n").startsWith("announce.peer-timeout: must be longer"));
        assertTrue(error("udp:\n  receive-buffer: 4MB\n").startsWith("udp.receive-buffer: expected a size"));
        assertTrue(error("http: 5\n").startsWith("http: expected a section"));
        assertTrue(error("http:\n  listen: off\nudp:\n  listen: off\n").contains("enable at least one frontend"));
        assertTrue(error("announce: [\n").contains("not valid YAML"));
    }

    @Test
    void portZeroIsAcceptedForEveryListener() {
        TrackerConfig c = ConfigLoader.load(null, Map.of("http.listen", "127.0.0.1:0", "udp.listen", "[::1]:0",
                "admin.listen", "127.0.0.1:0", "admin.token", "t".repeat(32)));
        assertEquals(new HostPort("127.0.0.1", 0), c.http().listen());
        assertEquals(new HostPort("::1", 0), c.udp().listen());
        assertEquals(new HostPort("127.0.0.1", 0), c.admin().listen());
    }

    @Test
    void commandLineOverridesWin() throws IOException {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, "http:\n  listen: 127.0.0.1:1000\n");
        TrackerConfig c = ConfigLoader.load(f, Map.of("http.listen", "[::1]:2000", "store.data-dir", "/tmp/x"));
        assertEquals(new HostPort("::1", 2000), c.http().listen());
        assertEquals(Path.of("/tmp/x"), c.store().dataDir());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("http.listen", "garbage")));
    }

    @Test
    void missingFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("none.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void secretIsNeverPrinted() throws IOException {
        TrackerConfig c = load("udp:\n  connection-id-secret: 00112233445566778899aabbccddeeff\n");
        assertEquals(16, c.udp().connectionIdSecret().length);
        assertFalse(c.toString().contains("0011"));
        assertTrue(c.toString().contains("(redacted)"));
    }
}
