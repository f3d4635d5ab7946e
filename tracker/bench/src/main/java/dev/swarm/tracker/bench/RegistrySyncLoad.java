package dev.swarm.tracker.bench;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.cluster.RegistrySync;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Registry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Private mode's accounting through Redis, one node: how many accepted announces per second the cluster's
 * accounting takes (sent from the outbox, merged by the Lua script, acknowledged), and Redis memory per live
 * session with its account. Not a test; run by hand against a Redis that holds nothing else:
 *
 * <pre>java -cp tracker/bench/target/benchmarks.jar dev.swarm.tracker.bench.RegistrySyncLoad redis://127.0.0.1:PORT
 *     [sessions=20000] [rounds=5]</pre>
 *
 * Every session announces {@code started} and then {@code rounds - 1} times with growing counters, fed through
 * the registry's accounting (the announce path) in bursts that keep the outbox below half full, so nothing is
 * dropped. Bounded: at most sessions × rounds announces and 300 s.
 */
public final class RegistrySyncLoad {
    private RegistrySyncLoad() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int users = Math.max(1, sessions / 20);
        int outbox = 65_536;
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        Path dir = Files.createTempDirectory("registry-sync-load");
        RedisClient client = RedisClient.create(RedisURI.create(url));
        try (StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
             StatefulRedisConnection<byte[], byte[]> probe = client.connect(ByteArrayCodec.INSTANCE);
             Registry registry = Registry.open(new TrackerConfig.Registry(dir, Duration.ofSeconds(5), users + 10, 10,
                     sessions * 2L, sessions * 2, sessions), Duration.ofMinutes(45), InstantSource.system())) {
            long memBefore = usedMemory(probe);
            RegistrySync sync = new RegistrySync(registry, conn::sync, conn::async, new RegistrySync.Settings("bench",
                    Duration.ofMillis(5), Duration.ofSeconds(2), outbox, 100_000, Duration.ofMinutes(45)),
                    Metrics.NOOP).start();
            while (!sync.synced() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (int u = 0; u < users; u++) {
                registry.addUser("u" + u, true, true);
            }
            byte[] ih = new byte[20];
            byte[] peer = new byte[20];
            long t0 = System.currentTimeMillis();
            long start = System.nanoTime();
            long sent = 0;
            for (int r = 0; r < rounds && System.nanoTime() < deadline; r++) {
                for (int s = 0; s < sessions && System.nanoTime() < deadline; s++) {
                    while (sync.outboxDepth() > outbox / 2 && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    ih[0] = (byte) (s % 7);
                    peer[0] = (byte) s;
                    peer[1] = (byte) (s >> 8);
                    peer[2] = (byte) (s >> 16);
                    registry.accounting().record("u" + (s % users), ih, peer, r * 16_384L, r * 8_192L, 1000,
                            r == 0 ? AnnounceEvent.STARTED : AnnounceEvent.NONE, false, t0 + r * 60_000L + s % 1000);
                    sent++;
                }
            }
            while (sync.outboxDepth() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long memAfter = usedMemory(probe);
            System.out.printf("%d announces of %d sessions (%d users, %d accounts) accounted through Redis in %.2f s:"
                    + " %.0f announces/s; Redis used_memory +%d bytes, %.0f bytes per live session with its account"
                    + " share and stream entries (stream max length 100000)%n", sent, sessions, users,
                    registry.accounting().accountCount(), secs, sent / secs, memAfter - memBefore,
                    (memAfter - memBefore) / (double) sessions);
            sync.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static long usedMemory(StatefulRedisConnection<byte[], byte[]> c) {
        for (String line : c.sync().info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        return -1;
    }
}
