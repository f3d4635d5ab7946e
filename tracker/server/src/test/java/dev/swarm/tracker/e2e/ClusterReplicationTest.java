package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.announce;
import static dev.swarm.tracker.e2e.ClusterNodes.lists;
import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.scrape;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.cluster.ClusterStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracker nodes in one process sharing their swarms through one real redis-server (unix socket): what one node
 * accepts, the others return; stops and completions travel too; a node started later catches up from the
 * snapshot; UDP connection IDs of one node are accepted by the others; remote peers expire by the peer timeout.
 */
class ClusterReplicationTest {
    /** Replication is bounded by the poll interval (5 ms here) plus a few commands; 5 s leaves room on a busy CI. */
    private static final long CONVERGE_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void redisInstalled() throws Exception {
        RedisProcess.requireRedis();
    }

    private static byte[] hash() {
        byte[] h = new byte[20];
        ThreadLocalRandom.current().nextBytes(h);
        return h;
    }

    @Test
    @Timeout(60)
    void changesAcceptedByOneNodeReachTheOthers() throws Exception {
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url());
            Tracker b = nodes.start("b", redis.url());
            Tracker c = nodes.start("c", redis.url());
            byte[] h = hash();
            announce(a, h, 2, 6881, true, AnnounceEvent.STARTED);
            announce(b, h, 3, 6882, false, AnnounceEvent.STARTED);
            AnnounceResponse[] last = new AnnounceResponse[1];
            assertTrue(within(CONVERGE_MS, quietly(() -> {
                last[0] = announce(c, h, 4, 6883, false, AnnounceEvent.NONE);
                return lists(last[0], 2, 6881) && lists(last[0], 3, 6882);
            })), "node c never listed the peers of a and b: " + last[0]);
            // 1 seeder (on a), 2 leechers (b's and c's), everywhere
            for (Tracker t : new Tracker[] {a, b, c}) {
                assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {1, 0, 2}, scrape(t, h)))),
                        "scrape of " + t.udpAddress() + ": " + Arrays.toString(scrape(t, h)));
            }
            // a stop on b removes the peer on every node
            announce(b, h, 3, 6882, false, AnnounceEvent.STOPPED);
            for (Tracker t : new Tracker[] {a, c}) {
                assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {1, 0, 1}, scrape(t, h)))),
                        "after the stop: " + Arrays.toString(scrape(t, h)));
            }
            // a completion on c is counted once on every node
            announce(c, h, 4, 6883, true, AnnounceEvent.COMPLETED);
            for (Tracker t : new Tracker[] {a, b, c}) {
                assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {2, 1, 0}, scrape(t, h)))),
                        "after the completion: " + Arrays.toString(scrape(t, h)));
            }
            ClusterStatus st = a.cluster().status();
            assertTrue(st.redis() && st.caughtUp(), st.toString());
            assertTrue(within(CONVERGE_MS, () -> a.cluster().status().members().size() == 3),
                    "members: " + a.cluster().status().members());
            assertEquals(0, st.outboxDropped());
            // operations: /stats names the node and its members, /health is 200, /metrics has the cluster gauges
            String http = "http://127.0.0.1:" + a.httpAddress().getPort();
            JsonNode stats = JSON.readTree(TestNet.get(http + "/stats")).get("cluster");
            assertEquals("a", stats.get("node").asText(), stats.toString());
            assertEquals(3, stats.get("members").size(), stats.toString());
            assertTrue(stats.get("lagP99Millis").asLong() >= 0, "no lag measured: " + stats);
            JsonNode health = JSON.readTree(TestNet.get(http + "/health"));
            assertEquals("ok", health.get("status").asText());
            String prom = new String(TestNet.get(http + "/metrics"), StandardCharsets.UTF_8);
            assertTrue(prom.contains("tracker_cluster_node_info{node=\"a\"} 1"), prom);
            assertTrue(prom.contains("tracker_cluster_members 3"), prom);
            assertTrue(prom.contains("tracker_cluster_outbox_depth "), prom);
        }
    }

    @Test
    @Timeout(60)
    void aPausedPeerIsNeitherListedNorCountedOnAnyNode() throws Exception {
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url());
            Tracker b = nodes.start("b", redis.url());
            byte[] h = hash();
            announce(a, h, 5, 6885, false, AnnounceEvent.STARTED);
            assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {0, 0, 1}, scrape(b, h)))),
                    "b counts a's leecher: " + Arrays.toString(scrape(b, h)));
            // the same peer pauses (BEP 21, HTTP only): it leaves the counts on a, and on b
            String reply = httpAnnounce(a, h, 5, 6885, "paused");
            assertTrue(reply.startsWith("d") && !reply.contains("failure reason"), reply);
            for (Tracker t : new Tracker[] {a, b}) {
                assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {0, 0, 0}, scrape(t, h)))),
                        "after the pause: " + Arrays.toString(scrape(t, h)));
            }
            // a peer that only ever announced paused is counted nowhere: a later change of the same swarm (same
            // stream, applied in order) reaching b shows b applied everything before it
            httpAnnounce(a, h, 7, 6887, "paused");
            announce(a, h, 8, 6888, true, AnnounceEvent.STARTED);
            assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {1, 0, 0}, scrape(b, h)))),
                    "b counts the seeder and not the paused peer: " + Arrays.toString(scrape(b, h)));
            assertArrayEquals(new int[] {1, 0, 0}, scrape(a, h));
        }
    }

    /** An HTTP announce from 127.0.0.{lastOctet} with the given event; the bencoded reply as text. */
    private static String httpAnnounce(Tracker node, byte[] hash, int lastOctet, int port, String event) throws Exception {
        String ih = TestNet.percentEncode(hash);
        String peerId = ("-TEST-" + lastOctet + "-" + port + "-------------").substring(0, 20);
        java.net.URI u = java.net.URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/announce?info_hash="
                + ih + "&peer_id=" + peerId + "&port=" + port + "&uploaded=0&downloaded=0&left=1000&compact=1&event="
                + event);
        try (java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder()
                .localAddress(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}))
                .connectTimeout(java.time.Duration.ofSeconds(5)).build()) {
            return c.send(java.net.http.HttpRequest.newBuilder(u).timeout(java.time.Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
        }
    }

    @Test
    @Timeout(60)
    void aNodeStartedLaterCatchesUpFromTheSnapshot() throws Exception {
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url());
            byte[] h = hash();
            for (int i = 0; i < 5; i++) {
                announce(a, h, 10 + i, 7000 + i, i == 0, AnnounceEvent.STARTED);
            }
            // the snapshot is written by a's publisher: wait until its outbox is empty
            assertTrue(within(CONVERGE_MS, () -> a.cluster().status().outboxDepth() == 0));
            assertTrue(within(CONVERGE_MS, () -> a.cluster().status().members().contains("a")));
            Tracker d = nodes.start("d", redis.url());
            // nothing is announced again: d knows the swarm from the snapshot alone
            assertTrue(within(CONVERGE_MS, () -> d.cluster().status().caughtUp()));
            assertArrayEquals(new int[] {1, 0, 4}, scrape(d, h));
            AnnounceResponse r = announce(d, h, 30, 7100, false, AnnounceEvent.STARTED);
            for (int i = 0; i < 5; i++) {
                assertTrue(lists(r, 10 + i, 7000 + i), "d does not list peer " + i + ": " + r);
            }
        }
    }

    @Test
    @Timeout(60)
    void aConnectionIdIssuedByOneNodeIsAcceptedByAnother() throws Exception {
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url());
            Tracker b = nodes.start("b", redis.url());
            byte[] h = hash();
            try (UdpTestClient toA = new UdpTestClient(a.udpAddress().getPort());
                 UdpTestClient toB = new UdpTestClient(b.udpAddress().getPort())) {
                long id = toA.connect();
                UdpResponse r = toB.request(toB.announcePacket(id, h, "-TEST-connid-0000000".getBytes(), 0, 10, 0,
                        AnnounceEvent.STARTED, 6900, null));
                assertTrue(r instanceof AnnounceResponse, "b refused a's connection ID: " + r);
                // a wrong ID is still refused (the check is real)
                UdpResponse bad = toB.request(toB.announcePacket(id ^ 1, h, "-TEST-connid-0000000".getBytes(), 0, 10,
                        0, AnnounceEvent.STARTED, 6900, null));
                assertFalse(bad instanceof AnnounceResponse, "b accepted a forged connection ID");
            }
        }
    }

    @Test
    @Timeout(60)
    void remotePeersExpireAfterThePeerTimeoutLikeLocalOnes() throws Exception {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        Map<String, String> timing = Map.of("announce.interval", "60s", "announce.min-interval", "10s",
                "announce.peer-timeout", "120s", "store.sweep-interval", "10ms");
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            Tracker a = nodes.start("a", redis.url(), timing, clock);
            Tracker b = nodes.start("b", redis.url(), timing, clock);
            byte[] h = hash();
            announce(a, h, 2, 6881, false, AnnounceEvent.STARTED);
            assertTrue(within(CONVERGE_MS, quietly(() -> scrape(b, h)[2] == 1)));
            clock.advance(119_000); // within the timeout: still listed
            assertTrue(lists(announce(b, h, 3, 6882, false, AnnounceEvent.STARTED), 2, 6881));
            clock.advance(3_000); // past it on b's clock, although a never said the peer left
            AnnounceResponse r = announce(b, h, 3, 6882, false, AnnounceEvent.NONE);
            assertFalse(lists(r, 2, 6881), "an expired remote peer is still listed: " + r);
            // the snapshot in Redis forgets it too: the nodes' cleaners remove entries older than the peer timeout
            // (the peer of 127.0.0.3 was refreshed just now and stays)
            String shardKey = "{swarm:" + (((h[0] & 0xFF) << 8 | (h[1] & 0xFF)) & 15) + "}:peers";
            assertTrue(within(CONVERGE_MS, quietly(() -> redis.cli("HLEN", shardKey).trim().equals("1"))),
                    "snapshot entries: " + redis.cli("HLEN", shardKey));
        }
    }
}
