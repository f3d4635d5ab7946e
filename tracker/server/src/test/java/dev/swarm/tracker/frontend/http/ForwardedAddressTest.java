package dev.swarm.tracker.frontend.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.tracker.config.Cidr;
import dev.swarm.tracker.testing.RecordingResolver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request is believed to come from, with and without trusted proxies. */
class ForwardedAddressTest {
    private static final byte[] PROXY = {10, 0, 0, 5};
    private static final byte[] OUTSIDER = {(byte) 203, 0, 113, 9};
    private final ForwardedAddress f = new ForwardedAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

    private static byte[] ip(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void headersFromAnAddressThatIsNotAProxyAreIgnored() {
        assertArrayEquals(OUTSIDER, f.resolve(OUTSIDER, "1.2.3.4", "5.6.7.8"));
        assertArrayEquals(OUTSIDER, new ForwardedAddress(List.of()).resolve(OUTSIDER, "1.2.3.4", "5.6.7.8"));
    }

    @Test
    void aTrustedProxyIsBelieved() {
        assertArrayEquals(ip(1, 2, 3, 4), f.resolve(PROXY, "1.2.3.4", "5.6.7.8"), "X-Real-IP first");
        assertArrayEquals(ip(5, 6, 7, 8), f.resolve(PROXY, null, "5.6.7.8"));
        assertArrayEquals(PROXY, f.resolve(PROXY, null, null), "no header: the proxy itself");
    }

    @Test
    void theRightMostUntrustedHopIsTheClient() {
        // The client wrote "6.6.6.6" itself; 1.2.3.4 is what our edge proxy 10.0.0.7 saw.
        assertArrayEquals(ip(1, 2, 3, 4), f.resolve(PROXY, null, "6.6.6.6, 1.2.3.4, 10.0.0.7"));
        assertArrayEquals(ip(10, 0, 0, 8), f.resolve(PROXY, null, "10.0.0.8, 10.0.0.7"), "all hops are ours");
    }

    @Test
    void portsAndBracketsAreTolerated() {
        assertArrayEquals(ip(1, 2, 3, 4), f.resolve(PROXY, null, "1.2.3.4:5555"));
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = 1;
        assertArrayEquals(v6, f.resolve(PROXY, "[2001::1]:443", null));
        assertArrayEquals(v6, f.resolve(PROXY, "2001::1", null));
    }

    /**
     * Issue 10 (3): "1.2.3.999" passes a digits-and-dots filter and the JDK would ask the resolver for it (here the test
     * resolver answers it, so a path that resolved would accept it). It is refused, and no lookup happens.
     */
    @Test
    void namesThatLookLikeAddressesAreRefusedWithoutALookup() throws Exception {
        assertTrue(RecordingResolver.installed(), "the recording test resolver is the JVM's resolver");
        assertNull(f.resolve(PROXY, "1.2.3.999", null));
        assertNull(f.resolve(PROXY, null, "10.0.0.256"));
        assertNull(f.resolve(PROXY, null, "1.2.3.4, 1.2.3.999:80"));
        assertNull(TrackerHttpHandler.literalAddress("1.2.3.999"));
        assertFalse(RecordingResolver.lookups().contains("1.2.3.999"), RecordingResolver.lookups().toString());
        assertFalse(RecordingResolver.lookups().contains("10.0.0.256"), RecordingResolver.lookups().toString());
    }

    @Test
    void literalsAreParsedAndMappedAddressesAreIpv4() {
        assertArrayEquals(ip(192, 0, 2, 1), TrackerHttpHandler.literalAddress("::ffff:192.0.2.1"));
        assertArrayEquals(ip(192, 0, 2, 1), f.resolve(PROXY, "[::ffff:192.0.2.1]:80", null));
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertArrayEquals(loopback6, TrackerHttpHandler.literalAddress("::1"));
        assertNull(TrackerHttpHandler.literalAddress("fe80::1%eth0"), "a zone id is not an address a peer can be given");
        assertNull(TrackerHttpHandler.literalAddress(""));
    }

    @Test
    void garbageFromATrustedProxyIsRefused() {
        assertNull(f.resolve(PROXY, "example.com", null));
        assertNull(f.resolve(PROXY, null, "1.2.3.4, unknown"));
        assertNull(f.resolve(PROXY, null, "1.2.3.4,".repeat(200)));
    }
}
