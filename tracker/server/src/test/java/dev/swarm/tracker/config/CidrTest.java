package dev.swarm.tracker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.tracker.testing.RecordingResolver;
import org.junit.jupiter.api.Test;

/** Address blocks are parsed as literals only (issue 10, defect 3): a config value never reaches the resolver. */
class CidrTest {

    @Test
    void aNameThatLooksLikeAnAddressIsRefusedWithoutALookup() throws Exception {
        assertTrue(RecordingResolver.installed(), "the recording test resolver is the JVM's resolver");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("1.2.3.999/32"));
        assertTrue(e.getMessage().startsWith("expected an address block"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.256"));
        assertFalse(RecordingResolver.lookups().contains("1.2.3.999"), RecordingResolver.lookups().toString());
        assertFalse(RecordingResolver.lookups().contains("10.0.0.256"), RecordingResolver.lookups().toString());
    }

    @Test
    void literalsAndPrefixes() {
        assertEquals("10.0.0.0/8", Cidr.parse(" 10.1.2.3/8 ").toString());
        assertEquals("fd00::/8", Cidr.parse("FD00::1/8").toString());
        assertEquals("::1/128", Cidr.parse("::1").toString(), "a bare address is one host");
        assertEquals("192.0.2.0/24", Cidr.parse("::ffff:192.0.2.7/24").toString(),
                "an IPv4-mapped address is an IPv4 block, as the addresses it is matched with");
        assertTrue(Cidr.parse("::ffff:192.0.2.7/24").contains(new byte[] {(byte) 192, 0, 2, 99}));
        for (String bad : new String[] {"", "/8", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "[::1]/128",
            "fe80::1%eth0/64", "127.1/8", "tracker.example/32"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }
}
