package dev.swarm.tracker.bench;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.swarm.AnnounceOp;
import dev.swarm.tracker.swarm.Family;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.ScrapeHolder;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStoreConfig;
import dev.swarm.tracker.swarm.SwarmStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer store under the tracker's request mix: a refreshing announce asking for 50 peers (the common
 * request), a peer leaving and joining again (a stopped and a started announce), and a scrape. Both
 * stores, the on-heap one and the persisted off-heap one (with the tracker's default sizing), are prefilled
 * with the {@link Workload}: 10,000 IPv4 swarms of 20 to 50 peers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SwarmStoreBench {
    /** Store type: {@code heap} (HeapSwarmStore) or {@code offheap} (OffHeapSwarmStore in a temp dir). */
    @Param({"heap", "offheap"})
    public String store;

    private final byte[][] hashes = new byte[Workload.TORRENTS][];
    private final int[] peerCounts = new int[Workload.TORRENTS];
    /** Per torrent, the compact records (4-byte address, 2-byte port) of its peers, built once. */
    private final byte[][] records = new byte[Workload.TORRENTS][];
    private SwarmStore swarms;
    private Path dataDir;
    private long now;

    /** Per-thread request and reply buffers, reused like the frontends reuse theirs. */
    @State(Scope.Thread)
    public static class Caller {
        final AnnounceOp op = new AnnounceOp();
        final PeerSample sample = new PeerSample(200);
        final ScrapeHolder scrape = new ScrapeHolder();
        final Rng rng = new Rng(System.nanoTime());
    }

    /** Opens the store and announces every peer of the workload once. */
    @Setup(Level.Trial)
    public void open() throws IOException {
        if (store.equals("offheap")) {
            dataDir = Files.createTempDirectory("swarm-bench-store");
        } else if (!store.equals("heap")) {
            throw new IllegalArgumentException("store must be heap or offheap, not " + store);
        }
        // the tracker's defaults (conf/tracker.yaml)
        swarms = SwarmStores.open(new SwarmStoreConfig(dataDir, 1_000_000, 20_000, 200_000, 40,
                Duration.ofMinutes(45), SwarmStoreConfig.OnCorrupt.FAIL));
        now = System.currentTimeMillis();
        Caller c = new Caller();
        for (int t = 0; t < Workload.TORRENTS; t++) {
            hashes[t] = Workload.infoHash(t);
            peerCounts[t] = Workload.peers(t);
            records[t] = new byte[peerCounts[t] * 6];
            for (int j = 0; j < peerCounts[t]; j++) {
                System.arraycopy(Workload.address(t, j), 0, records[t], j * 6, 4);
                records[t][j * 6 + 4] = (byte) (Workload.port(t, j) >>> 8);
                records[t][j * 6 + 5] = (byte) Workload.port(t, j);
            }
            for (int j = 0; j < peerCounts[t]; j++) {
                fill(c.op, t, j, AnnounceEvent.STARTED, 0);
                swarms.announce(c.op, now, c.sample);
            }
        }
        long expected = 0;
        for (int n : peerCounts) {
            expected += n;
        }
        if (swarms.stats().peers() != expected) {
            throw new IllegalStateException("prefill stored " + swarms.stats().peers() + " peers, not " + expected);
        }
    }

    /** Closes the store and deletes the off-heap files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        swarms.close();
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** Fills the request of peer {@code j} of torrent {@code t} without allocating. */
    private void fill(AnnounceOp op, int t, int j, AnnounceEvent event, int numWant) {
        op.infoHash(hashes[t], 0);
        op.family = Family.V4;
        System.arraycopy(records[t], j * 6, op.peer, 0, 6);
        op.event = event;
        op.seeder = Workload.seeder(j);
        op.numWant = numWant;
    }

    /** A known peer re-announces (no event) and asks for 50 peers: the bulk of a tracker's traffic. */
    @Benchmark
    public int announceRefresh(Caller c) {
        int t = c.rng.nextInt(Workload.TORRENTS);
        fill(c.op, t, c.rng.nextInt(peerCounts[t]), AnnounceEvent.NONE, Workload.NUM_WANT);
        swarms.announce(c.op, now, c.sample);
        return c.sample.count();
    }

    /** A peer leaves (stopped) and joins again (started, 50 peers wanted): two announces that reshape a swarm. */
    @Benchmark
    @OperationsPerInvocation(2)
    public int announceLeaveJoin(Caller c) {
        int t = c.rng.nextInt(Workload.TORRENTS);
        int j = c.rng.nextInt(peerCounts[t]);
        fill(c.op, t, j, AnnounceEvent.STOPPED, 0);
        swarms.announce(c.op, now, c.sample);
        c.op.event = AnnounceEvent.STARTED;
        c.op.numWant = Workload.NUM_WANT;
        swarms.announce(c.op, now, c.sample);
        return c.sample.count();
    }

    /** Counts of one torrent (both families). */
    @Benchmark
    public long scrape(Caller c) {
        swarms.scrape(hashes[c.rng.nextInt(Workload.TORRENTS)], 0, now, c.scrape);
        return c.scrape.seeders() + c.scrape.leechers();
    }
}
