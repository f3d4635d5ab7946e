package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** In-process tracker nodes of one cluster for tests: start, announce and scrape over UDP, wait with a deadline. */
final class ClusterNodes implements AutoCloseable {
    private final Path dir;
    private final List<Tracker> started = new ArrayList<>();

    ClusterNodes(Path dir) {
        this.dir = dir;
    }

    /** A node named {@code name} on 127.0.0.1 port 0 (HTTP and UDP), heap store, joined through {@code redis}. */
    Tracker start(String name, String redis, Map<String, String> extra) throws Exception {
        return start(name, redis, extra, InstantSource.system());
    }

    /** As {@link #start(String, String, Map)}, timed by {@code clock}. */
    Tracker start(String name, String redis, Map<String, String> extra, InstantSource clock) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of(
                "http.listen", "127.0.0.1:0",
                "udp.listen", "127.0.0.1:0",
                "store.type", "heap",
                "store.data-dir", dir.resolve(name).toString(),
                "cluster.redis", redis,
                "cluster.node", name,
                "cluster.poll-interval", "5ms",
                "cluster.heartbeat", "200ms"));
        o.putAll(extra);
        TrackerConfig cfg = ConfigLoader.load(null, o);
        Tracker t = Tracker.start(cfg, clock, new DropwizardMetrics(new MetricRegistry()));
        started.add(t);
        return t;
    }

    Tracker start(String name, String redis) throws Exception {
        return start(name, redis, Map.of());
    }

    /** Announces a peer at 127.0.0.{lastOctet}:{port} to {@code node}; fails on an error reply. */
    static AnnounceResponse announce(Tracker node, byte[] hash, int lastOctet, int port, boolean seeder,
                                     AnnounceEvent event) throws Exception {
        try (UdpTestClient c = new UdpTestClient(node.udpAddress().getPort(),
                InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}))) {
            byte[] peerId = ("-TEST-" + lastOctet + "-" + port + "-------------").substring(0, 20).getBytes();
            UdpResponse r = c.announce(hash, peerId, 0, seeder ? 0 : 1000, 0, event, port, null);
            assertTrue(r instanceof AnnounceResponse, "announce to " + node.udpAddress() + " failed: " + r);
            return (AnnounceResponse) r;
        }
    }

    /** UDP scrape of one torrent: {seeders, completed, leechers}. */
    static int[] scrape(Tracker node, byte[] hash) throws Exception {
        try (UdpTestClient c = new UdpTestClient(node.udpAddress().getPort())) {
            ScrapeResponse r = (ScrapeResponse) c.scrape(hash);
            return new int[] {r.seeders()[0], r.completed()[0], r.leechers()[0]};
        }
    }

    /** Whether the compact IPv4 peers of a reply contain 127.0.0.{lastOctet}:{port}. */
    static boolean lists(AnnounceResponse r, int lastOctet, int port) {
        byte[] p = r.peers();
        for (int i = 0; i + 6 <= p.length; i += 6) {
            if (p[i] == 127 && p[i + 1] == 0 && p[i + 2] == 0 && (p[i + 3] & 0xFF) == lastOctet
                    && ((p[i + 4] & 0xFF) << 8 | (p[i + 5] & 0xFF)) == port) {
                return true;
            }
        }
        return false;
    }

    /** Waits until {@code condition} holds, checking every 10 ms, at most {@code millis}; returns whether it held. */
    static boolean within(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    /** A condition whose check may throw; a throw counts as "not yet". */
    interface Check {
        boolean holds() throws Exception;
    }

    static BooleanSupplier quietly(Check c) {
        return () -> {
            try {
                return c.holds();
            } catch (Exception e) {
                return false;
            }
        };
    }

    @Override
    public void close() {
        for (Tracker t : started) {
            t.close();
        }
    }
}
