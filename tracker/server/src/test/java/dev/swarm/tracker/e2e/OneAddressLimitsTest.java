package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 5: one address can no longer lock everyone out, with the default limits. One address (127.0.0.1)
 * creates swarms and opens HTTP connections without limit; other addresses (127.0.0.2, 127.0.0.3) are served
 * throughout. Real sockets on loopback, time on a hand-moved clock.
 */
@Timeout(120)
class OneAddressLimitsTest {
    private static final byte[] PEER = "-TT0001-000000000001".getBytes(StandardCharsets.ISO_8859_1);
    private static final String NEW_SWARM_LIMITED = "too many new torrents from your address; try again later";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final MetricRegistry registry = new MetricRegistry();
    private Tracker tracker;

    private void start(Map<String, String> more) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "store.data-dir", dir.toString()));
        o.putAll(more);
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, new DropwizardMetrics(registry));
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private static byte[] hash(String prefix, int i) {
        byte[] h = new byte[20];
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(p, 0, h, 0, Math.min(p.length, 16));
        ByteBuffer.wrap(h).putInt(16, i);
        return h;
    }

    private long counter(String name) {
        return registry.meter("tracker." + name).getCount();
    }

    /**
     * The figures of the issue were 1,000,100 new info-hashes from one address filling store.max-swarms. Here the store
     * holds 2,500 swarms a family and one address tries 2,400 new ones: with the default cap (a burst of 2,000, then 60
     * a minute) it gets 2,000, and other addresses still create theirs, before, during and after.
     */
    @Test
    void oneAddressCreatingSwarmsWithoutLimitLeavesRoomForEveryoneElse() throws Exception {
        start(Map.of("store.max-swarms", "2500", "store.expected-swarms", "2500"));
        int udpPort = tracker.udpAddress().getPort();
        try (UdpTestClient flooder = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.1"));
             UdpTestClient other = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.2"))) {
            long id = flooder.connect();
            int created = 0;
            int refused = 0;
            for (int i = 0; i < 2400; i++) {
                UdpResponse r = UdpClientCodec.decodeResponse(ByteBuffer.wrap(flooder.exchange(flooder.announcePacket(id,
                        hash("flood", i), PEER, 0, 0, 0, AnnounceEvent.STARTED, 7001, null), 2000)), false);
                if (r instanceof AnnounceResponse) {
                    created++;
                } else {
                    assertEquals(NEW_SWARM_LIMITED, ((ErrorResponse) r).message(), "announce " + i);
                    refused++;
                }
                if (i % 100 == 0) {
                    assertTrue(other.announce(hash("other", i), PEER, 0, 0, 0, AnnounceEvent.STARTED, 7002, null)
                            instanceof AnnounceResponse, "another address creates a swarm while the flood runs (" + i + ")");
                }
            }
            assertEquals(2000, created, "the burst");
            assertEquals(400, refused);
            assertTrue(flooder.announce(hash("flood", 0), PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null)
                    instanceof AnnounceResponse, "the limited address still announces to existing swarms");
            assertEquals(2000 + 24, tracker.store().stats().swarms());
            for (int i = 0; i < 400; i++) {
                assertTrue(other.announce(hash("late", i), PEER, 0, 0, 0, AnnounceEvent.STARTED, 7002, null)
                        instanceof AnnounceResponse, "room for others after the flood: " + i);
            }
            clock.advance(60_000); // 60 more a minute
            int again = 0;
            for (int i = 2400; i < 2500; i++) {
                if (flooder.announce(hash("flood", i), PEER, 0, 0, 0, AnnounceEvent.STARTED, 7001, null)
                        instanceof AnnounceResponse) {
                    again++;
                }
            }
            assertEquals(60, again, "a minute later: the rate");
            assertEquals(400 + 40, counter("announce.refused.new_swarm_limit"));
        }
    }

    /**
     * The figures of the issue were 10,050 idle connections from one address against http.max-connections 10,000, and 0
     * of 5 announces from others served. Scaled down: max-connections 100, 150 idle connections from one address.
     */
    @Test
    void oneAddressHoldingConnectionsLeavesRoomForEveryoneElse() throws Exception {
        start(Map.of("http.max-connections", "100", "http.max-connections-per-address", "20"));
        int port = tracker.httpAddress().getPort();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                held.add(s);
            }
            for (int i = 0; i < 5; i++) {
                String reply = get("127.0.0." + (2 + i % 2), port, announcePath(hash("other", i), 7002));
                assertTrue(reply.startsWith("HTTP/1.1 200") && reply.contains("8:intervali"),
                        "announce " + i + " of another address is served: " + reply);
            }
            int closedByServer = 0;
            for (Socket s : held.subList(20, 150)) {
                if (closed(s)) {
                    closedByServer++;
                }
            }
            assertEquals(130, closedByServer, "every connection beyond the 20 of the address was closed");
            assertEquals(130, counter("http.connections_refused_per_address"));
            for (Socket s : held.subList(0, 20)) {
                s.close();
            }
            // The 20 closes reach the server asynchronously; a new connection is accepted once they have.
            long deadline = System.nanoTime() + 10_000_000_000L;
            String reply = "";
            while (System.nanoTime() < deadline && !reply.startsWith("HTTP/1.1 200")) {
                reply = get("127.0.0.1", port, announcePath(hash("again", 0), 7001));
            }
            assertTrue(reply.startsWith("HTTP/1.1 200"), "closing its connections gives the address its share back");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static String announcePath(byte[] hash, int port) {
        return "/announce?info_hash=" + TestNet.percentEncode(hash) + "&peer_id=" + TestNet.percentEncode(PEER)
                + "&port=" + port + "&uploaded=0&downloaded=0&left=0";
    }

    /** A GET from {@code local}; the whole response, or "" when the server closed the connection without one. */
    private static String get(String local, int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return ""; // reset by the server
        }
    }

    /** Whether the server closed {@code s} (end of stream or reset within 5 s). */
    private static boolean closed(Socket s) throws IOException {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
