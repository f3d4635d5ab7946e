package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ConnectResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over real loopback sockets: every case gets a BEP 15 error, a bencoded failure reason or is dropped;
 * the tracker keeps serving afterwards, and an unauthenticated UDP source never gets more bytes than it sent.
 */
class BadInputTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final byte[] HASH = "0123456789abcdefghij".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PEER_ID = "-XX0001-abcdefghijkl".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    java.nio.file.Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private Tracker tracker;
    private int port;
    private DatagramSocket socket;
    private InetSocketAddress udp;

    @BeforeEach
    void start() throws Exception {
        startTracker(Map.of());
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(300);
    }

    /** Starts the tracker with the default configuration plus test ports (bound by the kernel), a heap store and {@code extra}. */
    private void startTracker(Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of(
                "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "udp.connection-id-lifetime", "2m", "store.type", "heap"));
        o.putAll(extra);
        TrackerConfig cfg = ConfigLoader.load(null, o);
        tracker = Tracker.start(cfg, clock, Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        udp = tracker.udpAddress();
    }

    @AfterEach
    void stop() {
        socket.close();
        tracker.close();
    }

    /**
     * Sends a datagram; returns the reply carrying the request's transaction ID (bytes 12..16), or null when none came
     * within the socket timeout. Late replies to earlier packets (other transaction IDs) are skipped.
     */
    private byte[] exchange(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, udp));
        int txId = packet.length >= 16 ? ByteBuffer.wrap(packet, 12, 4).getInt() : Integer.MIN_VALUE;
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (in.getLength() >= 8 && ByteBuffer.wrap(buf, 4, 4).getInt() == txId) {
                return Arrays.copyOf(buf, in.getLength());
            }
        }
    }

    private UdpResponse decode(byte[] reply) throws Exception {
        return UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false);
    }

    private long connect() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16);
        UdpClientCodec.writeConnectRequest(b, 7);
        byte[] reply = exchange(Arrays.copyOf(b.array(), b.position()));
        assertNotNull(reply, "connect answered");
        assertEquals(16, reply.length);
        return ((ConnectResponse) decode(reply)).connectionId();
    }

    private byte[] announcePacket(long connId, int txId, int port) {
        return announcePacket(connId, txId, port, null);
    }

    /** An announce; with {@code urlData}, BEP 41 URL data follows the 98 fixed bytes. */
    private byte[] announcePacket(long connId, int txId, int port, String urlData) {
        ByteBuffer b = ByteBuffer.allocate(400);
        UdpClientCodec.writeAnnounceRequest(b, connId, txId, HASH, PEER_ID, 0, 100, 0, AnnounceEvent.STARTED, 1, 50, port,
                urlData == null ? null : urlData.getBytes(StandardCharsets.ISO_8859_1));
        return Arrays.copyOf(b.array(), b.position());
    }

    /** The tracker still answers a well-formed connect + announce. */
    private void assertStillServing() throws Exception {
        drainReplies(300); // late replies to the bad input must not fill the socket's buffer
        long id = connect();
        byte[] reply = exchange(announcePacket(id, 99, 7000));
        assertNotNull(reply, "announce after bad input answered");
        assertTrue(decode(reply) instanceof AnnounceResponse, "announce after bad input");
        BDict ok = TestNet.getBencoded(announceUrl("info_hash=" + TestNet.percentEncode(HASH)));
        assertNull(ok.get("failure reason"));
    }

    private String announceUrl(String params) {
        return "http://127.0.0.1:" + port + "/announce?" + params + "&peer_id=" + TestNet.percentEncode(PEER_ID)
                + "&port=6881&uploaded=0&downloaded=0&left=10";
    }

    /** Collects every reply that arrives within {@code quietMs} of the previous one. */
    private java.util.List<byte[]> drainReplies(int quietMs) throws IOException {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        socket.setSoTimeout(quietMs);
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            out.add(Arrays.copyOf(buf, in.getLength()));
        }
        socket.setSoTimeout(300);
        return out;
    }

    @Test
    void truncatedAndOversizedPacketsAreDropped() throws Exception {
        long id = connect();
        byte[] full = announcePacket(id, 5, 6881);
        for (int len = 0; len < 16; len++) {
            socket.send(new DatagramPacket(full, len, udp));
        }
        byte[] huge = new byte[2000];
        System.arraycopy(full, 0, huge, 0, full.length);
        socket.send(new DatagramPacket(huge, huge.length, udp));
        assertEquals(0, drainReplies(300).size(), "no reply to packets shorter than a header or over the size limit");
        assertStillServing();
    }

    @Test
    void everyTruncationOfAnAnnounceGetsAtMostAsManyBytesAsItSent() throws Exception {
        // An unauthenticated source (no valid connection ID) and an announce with BEP 41 URL data after its 98 bytes.
        long forged = 0x0102_0304_0506_0708L;
        int fullLength = announcePacket(forged, 0, 6881, "/announce?passkey=0123456789abcdef").length;
        for (int len = 16; len <= fullLength; len++) {
            byte[] p = announcePacket(forged, len, 6881, "/announce?passkey=0123456789abcdef"); // transaction id = length
            socket.send(new DatagramPacket(p, len, udp));
        }
        java.util.Set<Integer> answered = new java.util.TreeSet<>();
        for (byte[] r : drainReplies(300)) {
            ErrorResponse e = (ErrorResponse) decode(r);
            assertTrue(r.length <= e.transactionId(), "reply of " + r.length + " bytes to a " + e.transactionId() + "-byte packet");
            answered.add(e.transactionId());
        }
        // Shorter than the 98 fixed bytes: dropped. From 98 bytes on (a truncated option voids only the URL data):
        // each gets an "invalid connection id" error no larger than itself.
        java.util.Set<Integer> expected = new java.util.TreeSet<>();
        for (int len = 98; len <= fullLength; len++) {
            expected.add(len);
        }
        assertEquals(expected, answered);
        assertStillServing();
    }

    @Test
    void unknownActionGetsAnErrorNoLargerThanTheRequest() throws Exception {
        long id = connect();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(id).putInt(9).putInt(1234);
        byte[] r = exchange(b.array());
        assertNotNull(r, "an unknown action is answered with an error");
        assertTrue(r.length <= 16, "error of " + r.length + " bytes to a 16-byte request");
        ErrorResponse e = (ErrorResponse) decode(r);
        assertEquals(1234, e.transactionId());
        assertStillServing();
    }

    @Test
    void forgedAndExpiredConnectionIdsAreRefused() throws Exception {
        byte[] forged = announcePacket(0x1122334455667788L, 42, 6881);
        byte[] r = exchange(forged);
        assertNotNull(r);
        assertTrue(r.length <= forged.length);
        assertTrue(((ErrorResponse) decode(r)).message().contains("connection"));

        long id = connect();
        clock.advance(121_000);
        r = exchange(announcePacket(id, 43, 6881));
        assertNotNull(r, "an expired ID is answered with an error");
        assertTrue(decode(r) instanceof ErrorResponse, "expired ID refused");
        assertStillServing();
    }

    @Test
    void scrapeWithTooManyHashesIsDropped() throws Exception {
        long id = connect();
        // 75 hashes make the packet larger than any valid request (16 + 20 × 74 bytes): dropped.
        ByteBuffer b = ByteBuffer.allocate(16 + 20 * 75);
        b.putLong(id).putInt(2).putInt(77);
        b.put(new byte[20 * 75]);
        assertNull(exchange(b.array()));
        // 74 hashes is the most a request may carry, and is answered.
        ByteBuffer ok = ByteBuffer.allocate(16 + 20 * 74);
        ok.putLong(id).putInt(2).putInt(78).put(new byte[20 * 74]);
        ScrapeResponse s = (ScrapeResponse) decode(exchange(ok.array()));
        assertEquals(74, s.seeders().length);
        assertStillServing();
    }

    @Test
    void randomGarbageNeverAmplifiesAndNeverStopsTheServer() throws Exception {
        Map<Integer, Integer> sentLength = sendGarbage(new Random(1), 300);
        int replies = 0;
        for (byte[] r : drainReplies(300)) {
            int txId = ByteBuffer.wrap(r, 4, 4).getInt();
            Integer sent = sentLength.get(txId);
            assertNotNull(sent, "a reply carries the transaction id of a packet sent");
            assertTrue(r.length <= sent, "reply of " + r.length + " bytes to a " + sent + "-byte packet");
            replies++;
        }
        assertTrue(replies > 0, "the plausible packets among the garbage are answered");
        assertStillServing();
    }

    /**
     * Sends {@code n} random datagrams of 0..199 bytes, about half with a plausible BEP 15 header (protocol id, an
     * action 0..4) and so a forged connection ID for announces and scrapes.
     *
     * @return the length sent under each transaction id (the shortest, should two share one)
     */
    private Map<Integer, Integer> sendGarbage(Random rnd, int n) throws IOException {
        Map<Integer, Integer> sent = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[rnd.nextInt(200)];
            rnd.nextBytes(p);
            if (p.length >= 12 && rnd.nextBoolean()) {
                ByteBuffer.wrap(p).putLong(0x41727101980L).putInt(rnd.nextInt(5)); // plausible header
            }
            if (p.length >= 16) {
                sent.merge(ByteBuffer.wrap(p, 12, 4).getInt(), p.length, Math::min);
            }
            socket.send(new DatagramPacket(p, p.length, udp));
        }
        return sent;
    }

    /**
     * Every kind of bad UDP input above, many times over, from one source address: garbage, packets too short and too
     * long, unknown actions, and over a thousand forged and expired connection IDs (far more than any ban threshold).
     */
    private void barrage() throws Exception {
        Random rnd = new Random(2);
        long valid = connect();
        for (int round = 0; round < 4; round++) {
            sendGarbage(rnd, 200);
            for (int i = 0; i < 300; i++) {
                byte[] p = announcePacket(rnd.nextLong(), i, 6881);
                socket.send(new DatagramPacket(p, p.length, udp));
            }
            ByteBuffer scrape = ByteBuffer.allocate(36);
            scrape.putLong(rnd.nextLong()).putInt(2).putInt(round).put(HASH);
            socket.send(new DatagramPacket(scrape.array(), 36, udp));
            ByteBuffer unknown = ByteBuffer.allocate(16);
            unknown.putLong(valid).putInt(9).putInt(round);
            socket.send(new DatagramPacket(unknown.array(), 16, udp));
            socket.send(new DatagramPacket(new byte[2000], 2000, udp));
            socket.send(new DatagramPacket(new byte[15], 15, udp));
            drainReplies(100);
        }
        clock.advance(121_000);
        for (int i = 0; i < 50; i++) {
            byte[] expired = announcePacket(valid, 10_000 + i, 6881);
            socket.send(new DatagramPacket(expired, expired.length, udp));
        }
    }

    @Test
    @Timeout(120)
    void theWholeBarrageFromOneAddressLeavesThatAddressServed() throws Exception {
        barrage();
        assertStillServing();
    }

    @Test
    @Timeout(120)
    void withBansOnTheBarrageStillLeavesThatAddressServed() throws Exception {
        tracker.close();
        startTracker(Map.of("limits.ban-after-invalid-ids", "200"));
        barrage();
        assertNull(exchange(announcePacket(0x7777L, 4242, 6881)), "banned: its invalid IDs go unanswered");
        assertStillServing();
    }

    @Test
    void httpBadQueriesGetAFailureReason() throws Exception {
        String pid = "&peer_id=" + TestNet.percentEncode(PEER_ID);
        String[] bad = {
            "info_hash=abc" + pid + "&port=1&uploaded=0&downloaded=0&left=0",                       // wrong length
            "peer_id=" + TestNet.percentEncode(PEER_ID) + "&port=1&uploaded=0&downloaded=0&left=0", // missing info_hash
            "info_hash=" + TestNet.percentEncode(HASH) + pid + "&port=x&uploaded=0&downloaded=0&left=0", // non-numeric
            "info_hash=" + TestNet.percentEncode(HASH) + pid + "&uploaded=0&downloaded=0&left=0",        // missing port
            "info_hash=" + TestNet.percentEncode(HASH) + pid + "&port=1&uploaded=0&downloaded=0&left=0&x=" + "a".repeat(5000),
        };
        for (String q : bad) {
            BDict d = TestNet.rawGetBencoded(port, "/announce?" + q);
            assertNotNull(d.get("failure reason"), "failure reason for " + q.substring(0, Math.min(60, q.length())));
            assertNull(d.get("peers"));
        }
        // Malformed percent-escapes and request lines over 16 KiB are refused by the HTTP layer (Undertow) itself.
        for (String q : new String[] {"info_hash=%zz" + pid, "info_hash=" + "a".repeat(20_000) + pid}) {
            String head = new String(TestNet.rawGet(port, "/announce?" + q), 0, 12, StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 400", head);
        }
        BDict scrape = TestNet.getBencoded("http://127.0.0.1:" + port + "/scrape?" + "info_hash=" + TestNet.percentEncode(HASH).repeat(1)
                + ("&info_hash=" + TestNet.percentEncode(HASH)).repeat(100));
        assertNotNull(scrape.get("failure reason"), "too many hashes in a scrape");
        assertStillServing();
    }
}
