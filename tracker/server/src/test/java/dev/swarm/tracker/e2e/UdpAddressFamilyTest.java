package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The UDP socket's address family follows the listen address: an IPv4 address gets an IPv4 socket, "[::]" a dual-stack
 * one (IPv4 clients still land in the IPv4 swarm, IPv6 clients in the IPv6 swarm), "[::1]" an IPv6 one. Each client
 * announces after a first peer of its family, so the reply carries that peer in the family's compact form.
 */
class UdpAddressFamilyTest {
    private static final byte[] HASH = "family-test-hash-001".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] V4_PEER = {127, 0, 0, 2, 0x1A, (byte) 0xE1};

    private static Tracker start(String udpListen) throws Exception {
        TrackerConfig cfg = ConfigLoader.load(null, Map.of("http.listen", "off", "udp.listen", udpListen,
                "store.type", "heap"));
        return Tracker.start(cfg, new MutableClock(1_800_000_000_000L), Metrics.NOOP);
    }

    private static AnnounceResponse announce(UdpTestClient c, String peerId, int port) throws Exception {
        return assertInstanceOf(AnnounceResponse.class, c.announce(HASH, peerId.getBytes(StandardCharsets.ISO_8859_1),
                0, 100, 0, AnnounceEvent.STARTED, port, null));
    }

    /** Two IPv4 clients (127.0.0.2 first): the second is told about the first as one 6-byte peer. */
    private static void ipv4Swarm(InetSocketAddress tracker) throws Exception {
        try (UdpTestClient a = new UdpTestClient(tracker, InetAddress.getByName("127.0.0.2"));
             UdpTestClient b = new UdpTestClient(tracker, InetAddress.getByName("127.0.0.3"))) {
            assertEquals(0, announce(a, "-XX0001-aaaaaaaaaaaa", 6881).peers().length);
            AnnounceResponse r = announce(b, "-XX0001-bbbbbbbbbbbb", 6882);
            assertArrayEquals(V4_PEER, r.peers());
            assertEquals(2, r.leechers());
        }
    }

    /** An IPv6 client on ::1 after another on ::1: one 18-byte peer (::1 and the first client's port). */
    private static void ipv6Swarm(InetSocketAddress tracker) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (UdpTestClient a = new UdpTestClient(tracker, v6); UdpTestClient b = new UdpTestClient(tracker, v6)) {
            announce(a, "-XX0001-cccccccccccc", 7001);
            AnnounceResponse r = announce(b, "-XX0001-dddddddddddd", 7002);
            byte[] expected = new byte[18];
            System.arraycopy(v6.getAddress(), 0, expected, 0, 16);
            expected[16] = (byte) (7001 >>> 8);
            expected[17] = (byte) 7001;
            assertArrayEquals(expected, r.peers());
        }
    }

    /** Whether the kernel's socket table ({@code /proc/net/udp} or {@code udp6}) has a socket bound to {@code port}. */
    private static boolean bound(String table, int port) throws Exception {
        String suffix = String.format(":%04X", port);
        try (Stream<String> lines = Files.lines(Path.of("/proc/net", table))) {
            return lines.skip(1).map(l -> l.trim().split("\\s+")[1]).anyMatch(local -> local.endsWith(suffix));
        }
    }

    @Test
    void ipv4ListenAddressGetsAnIpv4Socket() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp6")), "needs Linux's /proc/net");
        try (Tracker t = start("127.0.0.1:0")) {
            int port = t.udpAddress().getPort();
            assertTrue(bound("udp", port), "an IPv4 socket on the port");
            assertFalse(bound("udp6", port), "no dual-stack IPv6 socket for an IPv4 address");
            ipv4Swarm(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void dualStackListenAddressKeepsTheFamiliesApart() throws Exception {
        try (Tracker t = start("[::]:0")) {
            int port = t.udpAddress().getPort();
            if (Files.isReadable(Path.of("/proc/net/udp6"))) {
                assertTrue(bound("udp6", port), "one IPv6 (dual-stack) socket");
            }
            ipv4Swarm(new InetSocketAddress("127.0.0.1", port));
            ipv6Swarm(new InetSocketAddress("::1", port));
        }
    }

    @Test
    void ipv6ListenAddressServesIpv6Clients() throws Exception {
        try (Tracker t = start("[::1]:0")) {
            int port = t.udpAddress().getPort();
            ipv6Swarm(new InetSocketAddress("::1", port));
        }
    }
}
