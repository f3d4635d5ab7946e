package dev.swarm.peerbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The address classes of the SSRF filter, on address bytes only: nothing is resolved (every input is a literal
 * parsed by {@link InetAddress#getByName} without a lookup, or raw bytes) and nothing is sent.
 */
class AddressFilterTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, unspecified",
            "0.1.2.3, reserved (this network)",
            "127.0.0.1, loopback",
            "127.255.255.254, loopback",
            "10.0.0.1, private",
            "10.255.255.255, private",
            "172.16.0.1, private",
            "172.31.255.255, private",
            "192.168.1.1, private",
            "100.64.0.1, private (CGNAT)",
            "100.127.255.255, private (CGNAT)",
            "169.254.169.254, link-local",
            "192.0.0.8, reserved (IETF)",
            "192.0.2.1, documentation",
            "198.51.100.7, documentation",
            "203.0.113.9, documentation",
            "198.18.0.1, benchmarking",
            "198.19.255.255, benchmarking",
            "224.0.0.1, multicast",
            "239.255.255.250, multicast",
            "240.0.0.1, reserved",
            "255.255.255.255, broadcast",
            "::, unspecified",
            "::1, loopback",
            "::ffff:127.0.0.1, loopback",
            "::ffff:10.1.2.3, private",
            "::ffff:169.254.1.1, link-local",
            "::127.0.0.1, loopback",
            "64:ff9b::10.0.0.1, private",
            "64:ff9b:1::1, private (local-use NAT64)",
            "2002:c0a8:0101::1, private",
            "2002:7f00:0001::1, loopback",
            "fc00::1, private (unique-local)",
            "fd12:3456::1, private (unique-local)",
            "fe80::1, link-local",
            "febf::1, link-local",
            "fec0::1, private (site-local)",
            "ff02::1, multicast",
            "ff0e::1, multicast",
            "2001:db8::1, documentation",
            "100::1, discard-only",
    })
    void specialAddressesAreRefused(String literal, String expected) throws Exception {
        InetAddress a = InetAddress.getByName(literal);
        assertEquals(expected, AddressFilter.classify(a.getAddress()));
        assertNotNull(AddressFilter.PUBLIC_ONLY.refusal(a));
        assertNull(AddressFilter.ALLOW_ALL.refusal(a), "allowed when private addresses are allowed");
    }

    @ParameterizedTest(name = "{0} is public")
    @CsvSource({"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
            "169.253.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255", "2606:4700::1111",
            "2a00:1450::1", "64:ff9b::8.8.8.8", "2002:0808:0808::1", "::ffff:8.8.8.8", "fbff::1", "fe7f::1"})
    void publicAddressesPass(String literal) throws Exception {
        InetAddress a = InetAddress.getByName(literal);
        assertNull(AddressFilter.classify(a.getAddress()), literal);
        assertNull(AddressFilter.PUBLIC_ONLY.refusal(a));
    }

    @Test
    void mappedAddressesAreJudgedByTheirIpv4PartInRawForm() {
        // Java turns ::ffff:a.b.c.d into an Inet4Address; the raw 16-byte form must be refused as well.
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff7f000001");
        assertEquals("loopback", AddressFilter.classify(mapped));
        byte[] mappedPublic = HexFormat.of().parseHex("00000000000000000000ffff08080808");
        assertNull(AddressFilter.classify(mappedPublic));
    }

    @Test
    void oneRefusedAddressAmongSeveralRefusesTheHost() throws Exception {
        List<InetAddress> both = List.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.1"));
        assertEquals("10.0.0.1: private address", AddressFilter.PUBLIC_ONLY.refusal(both));
        assertEquals("no address", AddressFilter.PUBLIC_ONLY.refusal(List.of()));
        assertNull(AddressFilter.PUBLIC_ONLY.refusal(List.of(InetAddress.getByName("8.8.8.8"))));
    }

    @Test
    void otherLengthsAreAnError() {
        assertThrows(IllegalArgumentException.class, () -> AddressFilter.classify(new byte[5]));
    }
}
