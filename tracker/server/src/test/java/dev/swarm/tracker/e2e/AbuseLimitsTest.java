package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abuse limits over real sockets with a hand-moved clock: the per-address announce rate limit (HTTP and UDP share
 * a bucket), and a ban for a flood of invalid UDP connection IDs that stops answering the address's invalid IDs (never
 * its connects or valid IDs) and expires; off by default; other addresses are not affected; the counters are in
 * /metrics.
 */
class AbuseLimitsTest {
    private static final byte[] HASH = "abuse-limits-hash-01".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PEER = "-TT0001-000000000001".getBytes(StandardCharsets.ISO_8859_1);
    private static final String RATE_LIMITED = "too many announces from your address; slow down";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private Tracker tracker;
    private int port;
    private int udpPort;

    private void start(Map<String, String> limits) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "udp.connection-id-lifetime", "2m", "store.type", "heap", "store.data-dir", dir.toString()));
        o.putAll(limits);
        tracker = Tracker.start(ConfigLoader.load(null, o), clock, new DropwizardMetrics(new MetricRegistry()));
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private String httpFailure() throws Exception {
        return TestNet.getBencoded("http://127.0.0.1:" + port + "/announce?info_hash=" + TestNet.percentEncode(HASH)
                + "&peer_id=" + TestNet.percentEncode(PEER) + "&port=7001&uploaded=0&downloaded=0&left=0")
                .string("failure reason");
    }

    private String metricsText() throws Exception {
        return new String(TestNet.get("http://127.0.0.1:" + port + "/metrics"), StandardCharsets.UTF_8);
    }

    private static long metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics:\n" + text);
    }

    @Test
    void announcesBeyondTheRateAreRefusedUntilTheBucketRefills() throws Exception {
        start(Map.of("limits.announces-per-minute", "60", "limits.announce-burst", "3"));
        for (int i = 0; i < 3; i++) {
            assertNull(httpFailure(), "announce " + i + " is within the burst");
        }
        assertEquals(RATE_LIMITED, httpFailure());
        try (UdpTestClient udp = new UdpTestClient(udpPort)) {
            ErrorResponse e = (ErrorResponse) udp.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null);
            assertEquals(RATE_LIMITED, e.message(), "UDP draws on the same address's bucket");
            clock.advance(1000); // one announce per second refills
            assertTrue(udp.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null) instanceof AnnounceResponse);
            assertEquals(RATE_LIMITED, httpFailure());
        }
        try (UdpTestClient other = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.2"))) {
            assertTrue(other.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7002, null) instanceof AnnounceResponse,
                    "another address has its own bucket");
        }
        clock.advance(3000);
        assertNull(httpFailure(), "refilled");
        assertEquals(3, metric(metricsText(), "tracker_abuse_announce_rate_limited_total"));
    }

    @Test
    void aFloodOfInvalidConnectionIdsMutesTheirErrorsButNeverLocksTheAddressOut() throws Exception {
        start(Map.of("limits.ban-after-invalid-ids", "10", "limits.ban-window", "1m", "limits.ban-duration", "10m"));
        try (UdpTestClient flooder = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.3"));
             UdpTestClient bystander = new UdpTestClient(udpPort, InetAddress.getByName("127.0.0.4"))) {
            for (int i = 0; i < 9; i++) {
                byte[] r = flooder.exchange(flooder.announcePacket(0x1234_5678L + i, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 2000);
                assertNotNull(r, "invalid id " + i + " is answered with an error");
                assertTrue(UdpClientCodec.decodeResponse(ByteBuffer.wrap(r), false) instanceof ErrorResponse);
            }
            assertNull(flooder.exchange(flooder.announcePacket(99, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 500),
                    "the tenth bans: no answer");
            assertNull(flooder.exchange(flooder.announcePacket(100, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 500),
                    "banned: invalid IDs go unanswered");
            // What a forger of this address cannot send, a connect's reply and the valid ID in it, is still served.
            assertTrue(flooder.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null) instanceof AnnounceResponse,
                    "banned: a connect and an announce with its valid ID are answered");
            assertTrue(bystander.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7002, null) instanceof AnnounceResponse,
                    "another address is served");
            assertNotNull(bystander.exchange(bystander.announcePacket(7, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7002, null), 2000),
                    "another address's invalid ID is still answered");
            String m = metricsText();
            assertEquals(1, metric(m, "tracker_abuse_bans_total"));
            assertEquals(1, metric(m, "tracker_abuse_banned_addresses"));
            assertEquals(2, metric(m, "tracker_udp_dropped_banned_total"));
            assertEquals(12, metric(m, "tracker_udp_invalid_connection_id_total"));

            clock.advance(10 * 60_000 - 1000);
            assertNull(flooder.exchange(flooder.announcePacket(101, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 500),
                    "still banned a second before the end");
            clock.advance(1001);
            byte[] r = flooder.exchange(flooder.announcePacket(102, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 2000);
            assertNotNull(r, "the ban expired: invalid IDs are answered again");
            assertTrue(UdpClientCodec.decodeResponse(ByteBuffer.wrap(r), false) instanceof ErrorResponse);
            assertEquals(0, metric(metricsText(), "tracker_abuse_banned_addresses"));
        }
    }

    @Test
    void withTheDefaultConfigurationInvalidIdsAreAlwaysAnswered() throws Exception {
        start(Map.of());
        try (UdpTestClient c = new UdpTestClient(udpPort)) {
            for (int i = 0; i < 300; i++) {
                assertNotNull(c.exchange(c.announcePacket(0x55_0000L + i, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 2000),
                        "invalid id " + i + " answered: bans are off by default");
            }
            assertTrue(c.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null) instanceof AnnounceResponse);
            String m = metricsText();
            assertEquals(300, metric(m, "tracker_udp_invalid_connection_id_total"));
            assertFalse(m.contains("tracker_abuse_bans_total"), "no ban step in the default chain");
        }
    }

    @Test
    void invalidIdsSpreadOverMoreThanTheWindowDoNotBan() throws Exception {
        start(Map.of("limits.ban-after-invalid-ids", "3", "limits.ban-window", "1m"));
        try (UdpTestClient c = new UdpTestClient(udpPort)) {
            for (int i = 0; i < 6; i++) {
                assertNotNull(c.exchange(c.announcePacket(77, HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null), 2000));
                if (i % 2 == 1) {
                    clock.advance(61_000);
                }
            }
            assertTrue(c.announce(HASH, PEER, 0, 0, 0, AnnounceEvent.NONE, 7001, null) instanceof AnnounceResponse);
        }
    }
}
