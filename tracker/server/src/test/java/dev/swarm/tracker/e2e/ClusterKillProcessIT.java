package dev.swarm.tracker.e2e;

import static dev.swarm.tracker.e2e.ClusterNodes.quietly;
import static dev.swarm.tracker.e2e.ClusterNodes.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.UdpResponse;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged tracker processes ({@code scripts/run --cluster URL --node NAME}) and one redis-server. Node A is
 * killed with SIGKILL: the seeder that announced only to A is still returned by B and C at once (well within one
 * announce interval). While A is down the swarm changes through B; A restarted on its old data directory catches up
 * to B's scrape counts from the snapshot, with no client announcing again.
 */
class ClusterKillProcessIT {
    private static final long CONVERGE_MS = 10_000;

    @TempDir
    Path dir;

    private Process node(String name, String redis) throws Exception {
        Files.createDirectories(dir.resolve(name));
        return ScriptRun.start(dir.resolve(name + ".log"), Map.of(), "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0",
                "--data-dir", dir.resolve(name).resolve("data").toString(), "--cluster", redis, "--node", name);
    }

    private int udpPort(Process p, String name) throws Exception {
        return ScriptRun.port(ScriptRun.awaitReady(p, dir.resolve(name + ".log")), "udp");
    }

    private static AnnounceResponse announce(int port, byte[] hash, int octet, int peerPort, long left,
                                             AnnounceEvent event) throws Exception {
        try (UdpTestClient c = new UdpTestClient(port, InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet}))) {
            UdpResponse r = c.announce(hash, ("-TEST-" + octet + "-" + peerPort + "-------------").substring(0, 20)
                    .getBytes(), 0, left, 0, event, peerPort, null);
            assertTrue(r instanceof AnnounceResponse, "announce failed: " + r);
            return (AnnounceResponse) r;
        }
    }

    private static int[] scrape(int port, byte[] hash) throws Exception {
        try (UdpTestClient c = new UdpTestClient(port)) {
            ScrapeResponse r = (ScrapeResponse) c.scrape(hash);
            return new int[] {r.seeders()[0], r.completed()[0], r.leechers()[0]};
        }
    }

    @Test
    @Timeout(180)
    void aKilledNodesPeersStayServedAndItCatchesUpWhenRestarted() throws Exception {
        RedisProcess.requireRedis();
        Process a = null;
        Process b = null;
        Process c = null;
        try (RedisProcess redis = RedisProcess.onSocket(dir.resolve("redis"))) {
            a = node("a", redis.url());
            b = node("b", redis.url());
            c = node("c", redis.url());
            int portA = udpPort(a, "a");
            int portB = udpPort(b, "b");
            int portC = udpPort(c, "c");
            byte[] h = new byte[20];
            ThreadLocalRandom.current().nextBytes(h);
            announce(portA, h, 2, 6881, 0, AnnounceEvent.STARTED); // the seeder, only on A
            announce(portB, h, 3, 6882, 100, AnnounceEvent.STARTED); // a leecher, only on B
            for (int port : new int[] {portB, portC}) {
                assertTrue(within(CONVERGE_MS, quietly(() -> ClusterNodes.lists(
                        announce(port, h, 9, 6999, 100, AnnounceEvent.NONE), 2, 6881))), "seeder not replicated");
            }

            a.destroyForcibly(); // SIGKILL to scripts/run, which exec'd the JVM: no clean shutdown
            assertTrue(a.waitFor(20, TimeUnit.SECONDS));
            // B and C still return the seeder that only ever talked to A
            for (int port : new int[] {portB, portC}) {
                AnnounceResponse r = announce(port, h, 9, 6999, 100, AnnounceEvent.NONE);
                assertTrue(ClusterNodes.lists(r, 2, 6881), "the killed node's seeder is gone from " + port + ": " + r);
            }
            // while A is down: the leecher completes and a new leecher comes, both through B
            announce(portB, h, 3, 6882, 0, AnnounceEvent.COMPLETED);
            announce(portB, h, 4, 6883, 100, AnnounceEvent.STARTED);
            int[] onB = {2, 1, 2}; // seeders: 6881, 6882; leechers: 6883 and the probe 127.0.0.9:6999
            assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(onB, scrape(portC, h)))),
                    "C: " + Arrays.toString(scrape(portC, h)));
            assertArrayEquals(onB, scrape(portB, h));

            a = node("a", redis.url());
            int portA2 = udpPort(a, "a");
            // no client announces again: A's counts come from its own store and the snapshot alone
            assertTrue(within(CONVERGE_MS, quietly(() -> Arrays.equals(onB, scrape(portA2, h)))),
                    "restarted A: " + Arrays.toString(scrape(portA2, h)) + " vs B " + Arrays.toString(onB) + "; log: "
                            + Files.readString(dir.resolve("a.log")));
        } finally {
            for (Process p : new Process[] {a, b, c}) {
                if (p != null) {
                    p.destroy();
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }
}
