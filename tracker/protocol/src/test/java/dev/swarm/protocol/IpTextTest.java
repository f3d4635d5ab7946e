package dev.swarm.protocol;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpTextTest {

    @Test
    void parsesLiterals() throws Exception {
        assertArrayEquals(TestBytes.hex("c0a80001"), IpText.parse("192.168.0.1"));
        assertArrayEquals(new byte[4], IpText.parse("0.0.0.0"));
        assertArrayEquals(TestBytes.hex("ffffffff"), IpText.parse("255.255.255.255"));
        for (String v6 : new String[] {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A",
            "fe80::1:2:3:4", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4",
            "1::1.2.3.4", "1:2:3:4:5::8", "1:2:3:4:5:6:7::"}) {
            assertArrayEquals(InetAddress.getByName(v6).getAddress().length == 16
                    ? InetAddress.getByName(v6).getAddress() : mapped(InetAddress.getByName(v6).getAddress()),
                    IpText.parse(v6), v6);
        }
    }

    private static byte[] mapped(byte[] v4) {
        return TestBytes.concat(TestBytes.hex("00000000000000000000ffff"), v4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", ".1.2.3", "a.b.c.d",
        "1.2.3.4 ", "localhost", "example.org", ":", ":::", "1:::2", "1::2::3", "12345::", ":1::", "1:",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.4.5", "::ffff:1.2.3.04",
        "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "g::", "::1.2.3.4:5"})
    void rejectsNonLiterals(String s) {
        assertNull(IpText.parse(s), s);
    }

    /**
     * Issue 10 (3): texts that {@code InetAddress.getByName} does not take as literals and would send to the resolver
     * (a name lookup on the I/O thread) are simply not addresses here; so are the legacy forms {@code inet_aton}
     * reads ({@code 127.1}, {@code 0x7f.0.0.1}, a bare 32-bit number).
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.999", "999.1.1.1", "1.2.3.4.", "127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1",
        "tracker.example", "xn--nxasmq6b", "1.2.3.4%lo", "::1%1", "[::1]:80", "1.2.3.4:80", " ::1", "::1 "})
    void namesAndLegacyFormsAreNotLiterals(String s) {
        assertNull(IpText.parse(s), s);
    }

    @Test
    void formatsRfc5952() {
        assertEquals("2001:db8::1", IpText.format(IpText.parse("2001:0db8:0000:0000:0000:0000:0000:0001"), 0, 16));
        assertEquals("2001:db8:0:1:1:1:1:1", IpText.format(IpText.parse("2001:db8:0:1:1:1:1:1"), 0, 16),
                "a single zero group is not shortened");
        assertEquals("2001:0:0:1::1", IpText.format(IpText.parse("2001:0:0:1:0:0:0:1"), 0, 16),
                "the longest run is shortened");
        assertEquals("2001:db8::1:0:0:1", IpText.format(IpText.parse("2001:db8:0:0:1:0:0:1"), 0, 16),
                "the first of equal runs is shortened");
        assertEquals("::", IpText.format(new byte[16], 0, 16));
        assertEquals("::1", IpText.format(IpText.parse("::1"), 0, 16));
        assertEquals("1::", IpText.format(IpText.parse("1::"), 0, 16));
        assertEquals("::ffff:192.0.2.1", IpText.format(IpText.parse("::ffff:c000:0201"), 0, 16));
        assertEquals("10.0.0.255", IpText.format(TestBytes.hex("0a0000ff"), 0, 4));
        assertEquals("255.255.255.255", IpText.format(TestBytes.hex("ffffffff"), 0, 4));
    }

    @Property
    void formatThenParseIsIdentityForV4(@ForAll @Size(4) byte[] addr) {
        assertArrayEquals(addr, IpText.parse(IpText.format(addr, 0, 4)));
    }

    @Property
    void formatThenParseIsIdentityForV6(@ForAll @Size(16) byte[] addr) throws Exception {
        String text = IpText.format(addr, 0, 16);
        assertArrayEquals(addr, IpText.parse(text), text);
        InetAddress jdk = InetAddress.getByName(text);
        assertArrayEquals(jdk.getAddress().length == 16 ? jdk.getAddress() : mapped(jdk.getAddress()), addr,
                "the JDK reads our text as the same address");
    }

    @Property
    void sparseV6AddressesRoundTrip(@ForAll @Size(8) byte[] zeroMask, @ForAll @Size(16) byte[] addr) {
        byte[] a = addr.clone();
        for (int g = 0; g < 8; g++) {
            if (zeroMask[g] >= 0) {
                a[2 * g] = 0;
                a[2 * g + 1] = 0;
            }
        }
        assertArrayEquals(a, IpText.parse(IpText.format(a, 0, 16)));
    }
}
