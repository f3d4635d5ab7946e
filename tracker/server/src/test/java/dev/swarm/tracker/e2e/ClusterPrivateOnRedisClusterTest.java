package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private mode on two tracker nodes over a Redis Cluster (three {@code redis-server --cluster-enabled yes} masters on
 * loopback, the nodes know two of them as seeds): a user made through A announces to B, a client moving from A to B
 * and back is accounted once on both nodes, and a passkey revoked through B is refused by A. Private mode's keys
 * share one hash tag, so its scripts run on one master.
 */
class ClusterPrivateOnRedisClusterTest {
    private static final long CONVERGE_MS = 10_000;
    private static final String HASH = "00112233445566778899aabbccddeeff00112233";

    @TempDir
    Path dir;

    private static AdminApiTest.Reply admin(Tracker node, String method, String path, String body) throws Exception {
        return AdminApiTest.call(node.adminAddress().getPort(), method, path, body, "Bearer " + AdminApiTest.TOKEN);
    }

    /** An HTTP announce of one client (fixed peer_id) with its passkey; returns the bencoded reply as text. */
    private static String announce(Tracker node, String passkey, long uploaded, long left, String event) throws Exception {
        String ih = TestNet.percentEncode(InfoHash.fromHex(HASH).bytes());
        URI u = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/announce/" + passkey + "?info_hash="
                + ih + "&peer_id=-XX0001-movingclient&port=6881&uploaded=" + uploaded + "&downloaded=0&left=" + left
                + "&compact=1" + (event == null ? "" : "&event=" + event));
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
        }
    }

    private static long uploaded(Tracker node) throws Exception {
        JsonNode rows = admin(node, "GET", "/accounting?user=mover&info_hash=" + HASH, null).body();
        return rows.size() == 1 ? rows.get(0).get("uploaded").asLong() : -1;
    }

    /** Waits until both nodes have sent what they queued and show {@code expected} uploaded bytes. */
    private static void accounted(Tracker a, Tracker b, long expected) throws Exception {
        assertTrue(within(CONVERGE_MS, quietly(() -> a.registrySync().outboxDepth() == 0
                && b.registrySync().outboxDepth() == 0 && uploaded(a) == expected && uploaded(b) == expected)),
                "both nodes account " + expected + ": A " + uploaded(a) + ", B " + uploaded(b));
    }

    @Test
    @Timeout(120)
    void privateModeWorksTheSameOnARedisCluster() throws Exception {
        RedisProcess.requireRedis();
        List<RedisProcess> masters = new ArrayList<>();
        try (ClusterNodes nodes = new ClusterNodes(dir)) {
            RedisProcess.redisCluster(dir, 3, masters);
            String seeds = masters.get(0).url() + "," + masters.get(1).url();
            Map<String, String> priv = Map.of("mode", "private", "admin.listen", "127.0.0.1:0",
                    "admin.token", AdminApiTest.TOKEN);
            Tracker a = nodes.start("a", seeds, priv);
            Tracker b = nodes.start("b", seeds, priv);
            assertTrue(within(CONVERGE_MS, () -> a.registrySync().synced() && b.registrySync().synced()));

            String key = admin(a, "POST", "/users", "{\"name\":\"mover\"}").body().get("passkey").asText();
            assertEquals(201, admin(b, "PUT", "/torrents/" + HASH, null).status());
            assertTrue(within(CONVERGE_MS, () -> b.registry().userByPasskey(key) != null
                    && a.registry().torrent(InfoHash.fromHex(HASH)) != null), "the changes reached the other node");

            // One client: started on A, then B, then A again; each node on its own would lose or repeat a delta.
            assertTrue(announce(a, key, 0, 1000, "started").contains("interval"));
            accounted(a, b, 0);
            assertTrue(announce(b, key, 300, 1000, null).contains("interval"), "a user made on A announces to B");
            accounted(a, b, 300);
            assertTrue(announce(a, key, 700, 0, "completed").contains("interval"));
            accounted(a, b, 700);

            assertEquals(204, admin(b, "DELETE", "/users/mover", null).status());
            assertTrue(within(CONVERGE_MS, quietly(() -> announce(a, key, 800, 0, null).contains("unknown passkey"))),
                    "A refuses the passkey removed on B");
        } finally {
            for (RedisProcess m : masters) {
                m.close();
            }
        }
    }
}
