package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.scrape;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis goes away for 20 s while three nodes take announces: no announce is refused or fails, no node stops, and
 * within {@link #CONVERGE_MS} of Redis being back (restarted empty, as a Redis without persistence comes back) every
 * node reports every swarm with the same counts: the changes each node accepted meanwhile waited in its outbox.
 */
class ClusterRedisOutageTest {
    /** The bound README states for convergence after Redis returns (reconnect ≤ 1 s, then publish and apply). */
    static final long CONVERGE_MS = 10_000;
    private static final long OUTAGE_MS = 20_000;
    private static final int SWARMS = 20;
    private static final int PORTS = 50;
    /** The load loop's bounds: never more announces than this, never longer than the phases plus 10 s. */
    private static final int MAX_ANNOUNCES = 200_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void nodesKeepServingThroughARedisOutageAndConvergeAfter() throws Exception {
        RedisProcess.requireRedis();
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis")); ClusterNodes nodes = new ClusterNodes(dir)) {
            // One test address announces for many peers: the per-address rate limit is not what this test is about.
            Map<String, String> noRateLimit = Map.of("limits.announces-per-minute", "0");
            List<Tracker> all = List.of(nodes.start("a", redis.url(), noRateLimit),
                    nodes.start("b", redis.url(), noRateLimit), nodes.start("c", redis.url(), noRateLimit));
            byte[][] hashes = new byte[SWARMS][20];
            for (byte[] h : hashes) {
                ThreadLocalRandom.current().nextBytes(h);
            }
            List<Set<Integer>> expected = new ArrayList<>();
            for (int i = 0; i < SWARMS; i++) {
                expected.add(new HashSet<>());
            }
            int[] failed = {0};
            int[] sent = {0};
            List<String> failures = new ArrayList<>();
            InetAddress peerAddress = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            List<UdpTestClient> clients = new ArrayList<>();
            for (Tracker t : all) {
                clients.add(new UdpTestClient(t.udpAddress().getPort(), peerAddress));
            }
            try {
                // Phases by the loop's own clock: 2 s with Redis, the outage, then 2 s with Redis back.
                long start = System.nanoTime();
                boolean stopped = false;
                boolean restarted = false;
                long restartedAt = 0;
                while (sent[0] < MAX_ANNOUNCES) {
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (!stopped && ms >= 2_000) {
                        redis.stop();
                        stopped = true;
                    }
                    if (stopped && !restarted && ms >= 2_000 + OUTAGE_MS) {
                        redis.start();
                        restarted = true;
                        restartedAt = System.nanoTime();
                    }
                    if (restarted && ms >= 4_000 + OUTAGE_MS || ms > 4_000 + OUTAGE_MS + 10_000) {
                        break;
                    }
                    int s = ThreadLocalRandom.current().nextInt(SWARMS);
                    int port = 10_000 + ThreadLocalRandom.current().nextInt(PORTS);
                    int node = ThreadLocalRandom.current().nextInt(all.size());
                    UdpTestClient c = clients.get(node);
                    sent[0]++;
                    try {
                        UdpResponse r = c.announce(hashes[s], ("-TEST-" + port + "-0000000000").substring(0, 20)
                                .getBytes(), 0, 100, 0, AnnounceEvent.NONE, port, null);
                        if (r instanceof AnnounceResponse) {
                            expected.get(s).add(port);
                        } else {
                            failed[0]++;
                            failures.add(r.toString());
                        }
                    } catch (Exception e) {
                        failed[0]++;
                        failures.add(e.toString());
                    }
                }
                assertTrue(restarted, "the load loop ended before Redis was restarted");
                assertEquals(0, failed[0], "announces failed during the outage: " + failures.subList(0,
                        Math.min(5, failures.size())));
                assertTrue(sent[0] > 1000, "too few announces to mean anything: " + sent[0]);
                // every node still serves and, within the bound after Redis returned, reports every swarm alike
                long left = CONVERGE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
                for (Tracker t : all) {
                    for (int i = 0; i < SWARMS; i++) {
                        int want = expected.get(i).size();
                        byte[] h = hashes[i];
                        boolean same = within(Math.max(0, left), quietly(() -> scrape(t, h)[2] == want));
                        assertTrue(same, "node " + t.cluster().nodeName() + " swarm " + i + ": " + scrape(t, h)[2]
                                + " leechers, expected " + want + " (" + t.cluster().status() + ")");
                        left = CONVERGE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
                    }
                    assertTrue(t.cluster().status().redis(), t.cluster().status().toString());
                    assertEquals(0, t.cluster().status().outboxDropped());
                }
            } finally {
                for (UdpTestClient c : clients) {
                    c.close();
                }
            }
        }
    }
}
