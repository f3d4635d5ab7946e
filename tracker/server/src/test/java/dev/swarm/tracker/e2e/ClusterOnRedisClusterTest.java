package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.announce;
import static dev.swarm.tracker.e2e.ClusterNodes.lists;
import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.scrape;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.tracker.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same replication on a Redis Cluster: three {@code redis-server --cluster-enabled yes} masters on loopback,
 * joined by {@code redis-cli --cluster create}; the tracker nodes know two of them as seeds. The shards' hash tags
 * spread the streams over the three masters.
 */
class ClusterOnRedisClusterTest {
    private static final long CONVERGE_MS = 5_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void threeNodesExchangePeersThroughARedisCluster() throws Exception {
        RedisProcess.requireRedis();
        List<RedisProcess> masters = new ArrayList<>();
        try (ClusterNodes nodes = new ClusterNodes(dir)) {
            for (int i = 0; i < 3; i++) {
                masters.add(RedisProcess.clusterMember(dir.resolve("redis" + i)));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisProcess m : masters) {
                create.add("127.0.0.1:" + m.port());
            }
            create.add("--cluster-yes");
            RedisProcess.run(create);
            for (RedisProcess m : masters) {
                assertTrue(within(20_000, quietly(() -> m.cli("CLUSTER", "INFO").contains("cluster_state:ok"))),
                        "cluster not ok on " + m.port());
            }
            // the slots of the shards' hash tags are on more than one master: the cluster really spreads them
            long mastersWithShards = masters.stream().filter(m -> {
                try {
                    for (int s = 0; s < 16; s++) {
                        int slot = Integer.parseInt(m.cli("CLUSTER", "KEYSLOT", "{swarm:" + s + "}:changes").trim());
                        if (ownsSlot(m, slot)) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).count();
            assertTrue(mastersWithShards >= 2, "all 16 shards on one master");

            String seeds = masters.get(0).url() + "," + masters.get(1).url();
            Tracker a = nodes.start("a", seeds);
            Tracker b = nodes.start("b", seeds);
            Tracker c = nodes.start("c", seeds);
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] h = new byte[20];
                ThreadLocalRandom.current().nextBytes(h);
                hashes.add(h);
            }
            for (byte[] h : hashes) {
                announce(a, h, 2, 6881, true, AnnounceEvent.STARTED);
                announce(b, h, 3, 6882, false, AnnounceEvent.STARTED);
            }
            for (byte[] h : hashes) {
                AnnounceResponse[] last = new AnnounceResponse[1];
                assertTrue(within(CONVERGE_MS, quietly(() -> {
                    last[0] = announce(c, h, 4, 6883, false, AnnounceEvent.NONE);
                    return lists(last[0], 2, 6881) && lists(last[0], 3, 6882);
                })), "node c never listed the peers of a and b: " + last[0]);
                for (Tracker t : new Tracker[] {a, b}) {
                    assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(new int[] {1, 0, 2}, scrape(t, h)))),
                            "scrape: " + Arrays.toString(scrape(t, h)));
                }
            }
            // a node started now catches up from the snapshot, spread over the masters
            assertTrue(within(CONVERGE_MS, () -> a.cluster().status().outboxDepth() == 0
                    && b.cluster().status().outboxDepth() == 0 && c.cluster().status().outboxDepth() == 0));
            Tracker d = nodes.start("d", seeds);
            assertTrue(within(CONVERGE_MS, () -> d.cluster().status().caughtUp()), d.cluster().status().toString());
            for (byte[] h : hashes) {
                assertArrayEquals(new int[] {1, 0, 2}, scrape(d, h));
            }
        } finally {
            for (RedisProcess m : masters) {
                m.close();
            }
        }
    }

    private static boolean ownsSlot(RedisProcess m, int slot) throws Exception {
        // CLUSTER SHARDS is 7.0+; the plain CLUSTER NODES line of "myself" lists its slot ranges
        for (String line : m.cli("CLUSTER", "NODES").split("\n")) {
            if (line.contains("myself")) {
                String[] f = line.trim().split(" ");
                for (int i = 8; i < f.length; i++) {
                    String[] range = f[i].split("-");
                    int lo = Integer.parseInt(range[0]);
                    int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                    if (slot >= lo && slot <= hi) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
