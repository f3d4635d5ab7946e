package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.testing.RecordingResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, defects 1, 3 and 4, over real loopback sockets against one dual-stack tracker ({@code [::]}): IPv6 clients
 * over HTTP get a compact answer (it was an HTTP 500), the {@code ip} parameter never reaches the resolver, and a stop
 * with {@code port=0} (libtorrent 1.1) takes the only peer of its address off the swarm instead of being refused.
 */
@Timeout(60)
class Issue10RegressionTest {
    private static final String HASH_Q = "%10%20%30%40%50%60%70%80%90%a0%b0%c0%d0%e0%f0%01%02%03%04%05";
    private static final byte[] HASH = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, (byte) 0x80, (byte) 0x90,
        (byte) 0xa0, (byte) 0xb0, (byte) 0xc0, (byte) 0xd0, (byte) 0xe0, (byte) 0xf0, 1, 2, 3, 4, 5};
    private static final InetAddress V6 = address("::1");
    private static final InetAddress V4 = address("127.0.0.1");

    private Tracker tracker;
    private Metrics metrics = Metrics.NOOP;
    private int port;
    private int udpPort;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: the JDK parses it without a lookup
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(String... keyValues) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "[::]:0", "udp.listen", "[::]:0",
                "store.type", "heap"));
        for (int i = 0; i < keyValues.length; i += 2) {
            o.put(keyValues[i], keyValues[i + 1]);
        }
        tracker = Tracker.start(ConfigLoader.load(null, o), java.time.InstantSource.system(), metrics);
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    /** The raw HTTP response to one GET from {@code from} with the given Host header value. */
    private byte[] get(InetAddress from, String host, String pathAndQuery) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(from, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return s.getInputStream().readAllBytes();
        }
    }

    private static String status(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        return text.substring(0, Math.max(0, text.indexOf("\r\n")));
    }

    /** The bencoded body of a 200 answer. */
    private static BDict body(byte[] response) throws Exception {
        assertEquals("HTTP/1.1 200 OK", status(response), new String(response, StandardCharsets.ISO_8859_1));
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\r\n\r\n") + 4;
        return (BDict) Bencode.decode(Arrays.copyOfRange(response, at, response.length), BencodeLimits.DEFAULT);
    }

    private static String query(String peerId, int peerPort, long left, String extra) {
        return "/announce?info_hash=" + HASH_Q + "&peer_id=" + peerId + "&port=" + peerPort
                + "&uploaded=0&downloaded=0&left=" + left + extra;
    }

    private BDict announceV6(String peerId, int peerPort, String extra) throws Exception {
        return body(get(V6, "[::1]:" + port, query(peerId, peerPort, 100, extra)));
    }

    private static byte[] compact(InetAddress a, int peerPort) {
        byte[] raw = a.getAddress();
        byte[] out = Arrays.copyOf(raw, raw.length + 2);
        out[raw.length] = (byte) (peerPort >>> 8);
        out[raw.length + 1] = (byte) peerPort;
        return out;
    }

    /** Defect 1: this answered HTTP 500 "internal error" (NullPointerException writing the null IPv4 peers). */
    @Test
    void ipv6ClientsGetCompactAndDictionaryAnswersOverHttp() throws Exception {
        start();
        BDict first = announceV6("-XX0001-v6aaaaaaaaaa", 7001, "&event=started");
        assertNull(first.get("failure reason"), first.toString());
        assertArrayEquals(new byte[0], first.bytes("peers"), "an empty IPv4 peer string beside peers6");
        BDict second = announceV6("-XX0001-v6bbbbbbbbbb", 7002, "&event=started");
        assertArrayEquals(compact(V6, 7001), second.bytes("peers6"), "the first IPv6 client, as 18 bytes");
        assertArrayEquals(new byte[0], second.bytes("peers"));
        assertEquals(2L, second.integer("incomplete"));
        assertArrayEquals(V6.getAddress(), second.bytes("external ip"), "BEP 24: the IPv6 source address");

        BDict dict = announceV6("-XX0001-v6cccccccccc", 7003, "&compact=0");
        BList peers = dict.list("peers");
        assertEquals(2, peers.size(), dict.toString());
        for (int i = 0; i < 2; i++) {
            assertEquals("::1", ((BDict) peers.get(i)).string("ip"));
        }

        BDict v4 = body(get(V4, "127.0.0.1:" + port, query("-XX0001-v4aaaaaaaaaa", 7101, 100, "")));
        assertArrayEquals(new byte[0], v4.bytes("peers"), "the IPv4 swarm of the same torrent is apart");
        assertNull(v4.get("peers6"));
        BDict v4b = body(get(V4, "127.0.0.1:" + port, query("-XX0001-v4bbbbbbbbbb", 7102, 100, "")));
        assertArrayEquals(compact(V4, 7101), v4b.bytes("peers"));
        assertNull(v4b.get("peers6"));
    }

    /**
     * libtorrent announces to {@code http://[::1]:PORT/announce} with {@code Host: ::1:PORT} (no brackets). Undertow 2.4
     * refuses that before any handler runs ("400 Host Header Bad Characters", no option turns the check off), so the
     * frontend brackets the literal before Undertow parses the head (HostRepairOpenListener). Anything else that is
     * not a valid Host is still refused by Undertow.
     */
    @Test
    void anUnbracketedIpv6HostHeaderReachesTheTracker() throws Exception {
        start();
        String q = query("-XX0001-v6hhhhhhhhhh", 7201, 100, "");
        for (String host : new String[] {"::1:" + port, "::1", "0:0:0:0:0:0:0:1:" + port, "[::1]:" + port,
            "localhost:" + port, "127.0.0.1"}) {
            assertNull(body(get(V6, host, q)).get("failure reason"), host);
        }
        assertEquals("HTTP/1.1 400 Host Header Bad Characters", status(get(V6, "::1::" + port, q)));
        assertEquals("HTTP/1.1 400 Host Header Bad Characters", status(get(V6, "fe80::1%lo:" + port, q)));
        assertEquals("HTTP/1.1 400 Host Header Malformed Port", status(get(V6, "[::1]:0", q)));
    }

    /** The head arrives one byte per segment: it is collected until complete, then handed to Undertow repaired. */
    @Test
    void aHeadSentByteByByteIsRepaired() throws Exception {
        start();
        byte[] request = ("GET " + query("-XX0001-v6slowslowsl", 7202, 100, "") + " HTTP/1.1\r\nHost: ::1:" + port
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(V6, port), 5000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(10_000);
            for (byte x : request) {
                s.getOutputStream().write(x);
                s.getOutputStream().flush();
            }
            assertNull(body(s.getInputStream().readAllBytes()).get("failure reason"));
        }
    }

    /** Two requests in one write on a kept-alive connection: the bytes after the first head reach Undertow too. */
    @Test
    void bytesAfterTheFirstHeadAreHandedOver() throws Exception {
        start();
        String first = "GET " + query("-XX0001-v6pipe1pipe1", 7203, 100, "") + " HTTP/1.1\r\nHost: ::1:" + port
                + "\r\n\r\n";
        String second = "GET " + query("-XX0001-v6pipe2pipe2", 7204, 100, "") + " HTTP/1.1\r\nHost: [::1]:" + port
                + "\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(V6, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write((first + second).getBytes(StandardCharsets.ISO_8859_1));
            String both = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals(2, both.split("HTTP/1.1 200 OK", -1).length - 1, both);
            assertTrue(both.contains("6:peers6" + "18:"), "the second announce got the first as an IPv6 peer: " + both);
        }
    }

    /** A connection that never completes its first head is closed after the idle timeout, as Undertow would. */
    @Test
    void anIncompleteHeadIsClosedAfterTheIdleTimeout() throws Exception {
        start("http.idle-timeout", "1s");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(V4, port), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /announce HTTP/1.1\r\nHost: ::1".getBytes(StandardCharsets.ISO_8859_1));
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "closed by the timeout, not by the test's bound");
        }
    }

    /**
     * Defect 3: with the {@code ip} parameter trusted, "1.2.3.999" passed the old character filter and went to
     * {@code InetAddress.getByName}, a name lookup on the I/O thread. The test resolver answers that name (127.0.0.9), so
     * a lookup would have stored the peer there; it is refused and the resolver is never asked.
     */
    @Test
    void theIpParameterIsNeverLookedUp() throws Exception {
        start("announce.trust-announced-ip", "true");
        assertTrue(RecordingResolver.installed(), "the recording test resolver is the JVM's resolver");
        BDict r = body(get(V4, "127.0.0.1:" + port, query("-XX0001-ipaaaaaaaaaa", 7301, 100, "&ip=1.2.3.999")));
        assertEquals("invalid ip parameter: not an IP address literal", r.string("failure reason"));
        assertFalse(RecordingResolver.lookups().contains("1.2.3.999"), RecordingResolver.lookups().toString());
        BDict literal = body(get(V4, "127.0.0.1:" + port, query("-XX0001-ipbbbbbbbbbb", 7302, 100, "&ip=127.0.0.7")));
        assertNull(literal.get("failure reason"));
        BDict other = body(get(V4, "127.0.0.1:" + port, query("-XX0001-ipcccccccccc", 7303, 100, "")));
        assertArrayEquals(compact(address("127.0.0.7"), 7302), other.bytes("peers"), "a literal ip is still used");
    }

    /** An HTTP announce from {@code from} (an IPv4 loopback address) to the tracker at that address. */
    private BDict announceFrom(InetAddress from, String peerId, int peerPort, String extra) throws Exception {
        return body(get(from, from.getHostAddress() + ":" + port, query(peerId, peerPort, 100, extra)));
    }

    /** Peers of the torrent in both families, by an HTTP scrape. */
    private long listed() throws Exception {
        BDict files = body(get(V4, "127.0.0.1:" + port, "/scrape?info_hash=" + HASH_Q)).dict("files");
        BDict counts = files.dict(new String(HASH, StandardCharsets.ISO_8859_1));
        return counts == null ? 0 : counts.integer("complete") + counts.integer("incomplete");
    }

    /** What libtorrent 1.1 sends when its session shuts down (its listen sockets closed): {@code port=0}. */
    private static final String LT11_STOP =
            "&corrupt=0&key=E07E02A7&event=stopped&numwant=0&compact=1&no_peer_id=1&supportcrypto=1&redundant=0";

    /**
     * Defect 4: libtorrent 1.1 stops with {@code port=0} (the request below is its shape). The stop was refused with
     * "invalid port", then answered but matched no stored peer (keyed by address and port), so the peer stayed listed
     * until {@code announce.peer-timeout}. It now takes the peer of its address off the swarm at once, when that peer
     * is the only one with that address; over HTTP, and over UDP in both families.
     */
    @Test
    void aStopWithPortZeroTakesTheOnlyPeerOfItsAddressOffOverHttpAndUdp() throws Exception {
        start();
        InetAddress lt = address("127.0.0.2");
        InetAddress other = address("127.0.0.3");
        assertNull(announceFrom(lt, "-lt1100-httphttphttp", 6881, "&event=started").get("failure reason"));
        assertArrayEquals(compact(lt, 6881), announceFrom(other, "-XX0001-otherotherot", 7000, "&event=started")
                .bytes("peers"), "listed");
        BDict stopped = announceFrom(lt, "-lt1100-httphttphttp", 0, LT11_STOP);
        assertNull(stopped.get("failure reason"), stopped.toString());
        assertArrayEquals(new byte[0], stopped.bytes("peers"), "a stop gets no peers");
        assertEquals(1L, stopped.integer("incomplete"), "the swarm without the stopped peer");
        assertArrayEquals(new byte[0], announceFrom(other, "-XX0001-otherotherot", 7000, "").bytes("peers"),
                "off the swarm at once, not after announce.peer-timeout");
        BDict refused = announceFrom(lt, "-lt1100-startstartst", 0, "&event=started");
        assertEquals("invalid port", refused.string("failure reason"), "a peer without a port is never listed");
        assertEquals(1, listed());

        byte[] peerId = "-lt1100-udpudpudpudp".getBytes(StandardCharsets.ISO_8859_1);
        for (InetAddress family : new InetAddress[] {address("127.0.0.4"), V6}) {
            try (UdpTestClient c = new UdpTestClient(new InetSocketAddress(family, udpPort), family)) {
                assertInstanceOf(AnnounceResponse.class,
                        c.announce(HASH, peerId, 0, 100, 0, AnnounceEvent.STARTED, 6881, null), family.toString());
                assertEquals(2, listed(), family.toString());
                AnnounceResponse r = assertInstanceOf(AnnounceResponse.class,
                        c.announce(HASH, peerId, 0, 100, 0, AnnounceEvent.STOPPED, 0, null), family.toString());
                assertEquals(0, r.peers().length);
                assertEquals(1, listed(), "taken off over UDP from " + family);
                ErrorResponse e = assertInstanceOf(ErrorResponse.class,
                        c.announce(HASH, peerId, 0, 0, 0, AnnounceEvent.STARTED, 0, null), family.toString());
                assertEquals("invalid port", e.message());
            }
        }
    }

    /**
     * Two clients behind one NAT share an address: a stop with {@code port=0} from it cannot tell which one stopped,
     * so neither is removed (the other client's entry is never taken away) and it is counted in
     * {@code announce.not_removed.shared_address}. Once one has stopped with its port, a port-0 stop removes the other.
     */
    @Test
    void aStopWithPortZeroFromAnAddressSharedByTwoClientsRemovesNeither() throws Exception {
        DropwizardMetrics m = DropwizardMetrics.create();
        metrics = m;
        start();
        InetAddress nat = address("127.0.0.5");
        InetAddress other = address("127.0.0.6");
        announceFrom(nat, "-lt1100-natAnatAnatA", 6881, "&event=started");
        announceFrom(nat, "-lt1100-natBnatBnatB", 6882, "&event=started");
        assertNull(announceFrom(nat, "-lt1100-natAnatAnatA", 0, LT11_STOP).get("failure reason"), "answered");
        byte[] both = announceFrom(other, "-XX0001-otherotherot", 7000, "&event=started").bytes("peers");
        assertEquals(12, both.length, "both clients are still listed");
        assertEquals(Set.of(HexFormat.of().formatHex(compact(nat, 6881)), HexFormat.of().formatHex(compact(nat, 6882))),
                Set.of(HexFormat.of().formatHex(both, 0, 6), HexFormat.of().formatHex(both, 6, 12)));
        assertEquals(1, m.counter("announce.not_removed.shared_address").count());
        announceFrom(nat, "-lt1100-natBnatBnatB", 6882, "&event=stopped");
        announceFrom(nat, "-lt1100-natAnatAnatA", 0, LT11_STOP);
        assertArrayEquals(new byte[0], announceFrom(other, "-XX0001-otherotherot", 7000, "").bytes("peers"),
                "alone on its address, the first client is removed");

        try (UdpTestClient c = new UdpTestClient(new InetSocketAddress(V6, udpPort), V6)) {
            byte[] a = "-lt1100-udpAudpAudpA".getBytes(StandardCharsets.ISO_8859_1);
            byte[] b = "-lt1100-udpBudpBudpB".getBytes(StandardCharsets.ISO_8859_1);
            c.announce(HASH, a, 0, 100, 0, AnnounceEvent.STARTED, 6881, null);
            AnnounceResponse second = (AnnounceResponse) c.announce(HASH, b, 0, 100, 0, AnnounceEvent.STARTED, 6882, null);
            assertArrayEquals(compact(V6, 6881), second.peers(), "two clients on ::1");
            assertEquals(3, listed());
            assertInstanceOf(AnnounceResponse.class, c.announce(HASH, a, 0, 100, 0, AnnounceEvent.STOPPED, 0, null));
            assertEquals(3, listed(), "neither is removed");
            assertEquals(2, m.counter("announce.not_removed.shared_address").count());
            c.announce(HASH, b, 0, 100, 0, AnnounceEvent.STOPPED, 6882, null);
            c.announce(HASH, a, 0, 100, 0, AnnounceEvent.STOPPED, 0, null);
            assertEquals(1, listed(), "the other client stopped with its port; then the port-0 stop removes the first");
        }
    }
}
