package dev.swarm.tracker.frontend.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The Host repair is byte-exact: only an unbracketed IPv6 literal in a Host value changes, nothing else. */
class UnbracketedIpv6HostTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String repaired(String head) {
        byte[] b = ascii(head);
        byte[] out = UnbracketedIpv6Host.repair(b, b.length);
        return out == null ? null : new String(out, StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @CsvSource({
        "::1:6969, [::1]:6969", // libtorrent 2.0.8 for http://[::1]:6969/announce
        "::1, [::1]", // the default port is left out
        "2001:db8::7:80, [2001:db8::7]:80",
        "2001:db8::1, [2001:db8::1]", // '2001:db8:' is no address, so the last group is not a port
        "1:2:3:4:5:6:7:8, [1:2:3:4:5:6:7:8]",
        "1:2:3:4:5:6:7:8:443, [1:2:3:4:5:6:7:8]:443",
        "::ffff:192.0.2.1:80, [::ffff:192.0.2.1]:80",
    })
    void bracketsIpv6Literals(String value, String expected) {
        assertEquals(expected, UnbracketedIpv6Host.bracketed(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]:6969", "[::1]", "tracker.example:6969", "127.0.0.1:6969", "127.0.0.1", "localhost",
        "::1::80", "fe80::1%eth0:80", "::1:123456", "::1:", "host:name:80", "", ":"})
    void leavesEverythingElseAlone(String value) {
        assertNull(UnbracketedIpv6Host.bracketed(value), value);
    }

    @Test
    void rewritesOnlyTheHostValueOfTheHead() {
        assertEquals("GET /announce?x=::1:1 HTTP/1.1\r\nUser-Agent: a::1:2\r\nhost: \t[::1]:6969 \r\nAccept: */*\r\n\r\n",
                repaired("GET /announce?x=::1:1 HTTP/1.1\r\nUser-Agent: a::1:2\r\nhost: \t::1:6969 \r\nAccept: */*\r\n\r\n"),
                "header name in any case, spaces around the value kept, other headers and the request line untouched");
        assertEquals("GET / HTTP/1.1\nHOST:[2001:db8::1]\n\n", repaired("GET / HTTP/1.1\nHOST:2001:db8::1\n\n"),
                "bare LF line ends");
        assertNull(repaired("GET / HTTP/1.1\r\nHost: [::1]:6969\r\n\r\n"));
        assertNull(repaired("GET / HTTP/1.1\r\nX-Host: ::1:6969\r\n\r\n"));
        assertNull(repaired("GET /announce?Host: ::1:6969 HTTP/1.1\r\n\r\n"), "the request line is not a header");
        assertNull(repaired("GET / HTTP/1.1\r\nHost: ::1:6969\r\n more\r\n\r\n"), "a folded value is left to Undertow");
    }

    @Test
    void onlyAHostLineWithTwoColonsIsLookedAtClosely() {
        for (String head : new String[] {"GET / HTTP/1.1\r\nHost: ::1:6969\r\n\r\n", "GET / HTTP/1.1\nhOsT:2001:db8::1\n\n",
            "GET / HTTP/1.1\r\nAccept: */*\r\nHost: [::1]:6969\r\n\r\n"}) {
            ByteBuffer b = ByteBuffer.wrap(ascii(head));
            assertTrue(UnbracketedIpv6Host.mayNeedRepair(b, b.capacity()), head);
        }
        for (String head : new String[] {"GET / HTTP/1.1\r\nHost: 127.0.0.1:6969\r\nUser-Agent: a:b:c\r\n\r\n",
            "GET /?Host::1:2 HTTP/1.1\r\nHost: tracker.example\r\n\r\n", "GET / HTTP/1.1\r\nX-Host: ::1:6969\r\n\r\n"}) {
            ByteBuffer b = ByteBuffer.wrap(ascii(head));
            assertFalse(UnbracketedIpv6Host.mayNeedRepair(b, b.capacity()), head);
        }
    }

    @Test
    void headEndIsTheFirstEmptyLine() {
        ByteBuffer b = ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: ::1\r\n\r\nGET /next"));
        assertEquals(29, UnbracketedIpv6Host.headEnd(b, b.capacity()));
        assertEquals(-1, UnbracketedIpv6Host.headEnd(b, 28), "not complete yet");
        ByteBuffer lf = ByteBuffer.wrap(ascii("GET / HTTP/1.1\nHost: x\n\nbody"));
        assertEquals(24, UnbracketedIpv6Host.headEnd(lf, lf.capacity()));
        assertEquals(0, b.position(), "absolute reads only");
    }
}
