package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of private and access-controlled tracking: mode, registry, admin, access lists, proxies, limits. */
class AccessConfigTest extends ConfigFileTestBase {

    @Test
    void defaultsArePublicWithEverythingOffButTheAbuseLimits() {
        TrackerConfig c = ConfigLoader.defaults();
        assertEquals(TrackerConfig.Mode.PUBLIC, c.mode());
        assertNull(c.admin().listen());
        assertNull(c.access().infoHashList());
        assertEquals(List.of(), c.access().clientAllow());
        assertEquals(List.of(), c.proxy().trusted());
        assertEquals(1000, c.limits().announcesPerMinute(), "issue 11: on by default");
        assertEquals(60, c.limits().newSwarmsPerMinute(), "issue 11: on by default");
        assertEquals(10, c.limits().unknownPasskeysPerMinute(), "issue 11: on by default (private mode only)");
        assertEquals(256, c.http().maxConnectionsPerAddress());
        assertEquals(0, c.limits().banAfterInvalidIds());
        assertEquals(c.store().dataDir().resolve("registry"), c.registry().dataDir(), "under the store's data directory");
    }

    @Test
    void listsComeAsYamlSequencesOrCommaSeparatedText() throws IOException {
        TrackerConfig c = load("access:\n  client-deny: [-XL, \"-SD\"]\nproxy:\n  trusted: [127.0.0.1, 10.0.0.0/8, \"fd00::/8\"]\n");
        assertEquals(List.of("-XL", "-SD"), c.access().clientDeny());
        assertEquals(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), c.proxy().trusted());
        TrackerConfig o = ConfigLoader.load(null, Map.of("access.client-allow", "-qB, -lt", "mode", "private"));
        assertEquals(List.of("-qB", "-lt"), o.access().clientAllow());
        assertEquals(TrackerConfig.Mode.PRIVATE, o.mode());
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(error("mode: secret\n").startsWith("mode: expected one of public, private"));
        assertTrue(error("proxy:\n  trusted: [10.0.0.0/33]\n").startsWith("proxy.trusted: prefix length must be 0..32"));
        assertTrue(error("proxy:\n  trusted: [proxy.example.com]\n").startsWith("proxy.trusted: expected an address block"));
        assertTrue(error("admin:\n  listen: 127.0.0.1:7000\n").startsWith("admin.token: the admin API needs a token"));
        assertTrue(error("admin:\n  listen: 127.0.0.1:7000\n  token: short\n").contains("too short"));
        assertTrue(error("limits:\n  tracked-addresses: 1000\n").startsWith("limits.tracked-addresses: must be a power of two"));
        assertTrue(error("access:\n  info-hash-list-mode: maybe\n").startsWith("access.info-hash-list-mode: expected one of allow, deny"));
        assertTrue(error("access:\n  client-deny: [\"has space\"]\n").contains("is not a peer_id prefix"));
        assertTrue(error("access:\n  client-deny: {a: 1}\n").startsWith("access.client-deny: expected a list"));
        assertTrue(error("http:\n  listen: [1, 2]\n").startsWith("http.listen: expected a single value"));
    }

    @Test
    void theAdminTokenIsNeverPrinted() throws IOException {
        String token = "0123456789abcdef0123456789abcdef-secret";
        TrackerConfig c = load("admin:\n  listen: 127.0.0.1:7000\n  token: " + token + "\n");
        assertEquals(token, c.admin().token());
        assertFalse(c.toString().contains("secret"));
    }

    @Test
    void cidrMatching() {
        Cidr v4 = Cidr.parse("192.168.0.0/23");
        assertTrue(v4.contains(new byte[] {(byte) 192, (byte) 168, 1, 7}));
        assertFalse(v4.contains(new byte[] {(byte) 192, (byte) 168, 2, 7}));
        assertFalse(v4.contains(new byte[16]), "other family");
        Cidr all = Cidr.parse("0.0.0.0/0");
        assertTrue(all.contains(new byte[] {8, 8, 8, 8}));
        Cidr v6 = Cidr.parse("fd00::/8");
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        assertTrue(v6.contains(a));
        a[0] = (byte) 0xfe;
        assertFalse(v6.contains(a));
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString(), "host bits are cleared");
    }
}
