package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Not a test: measures the off-heap store at scale and prints a report. Run it with the JVM flags of
 * conf/jvm.options and a small heap:
 *
 * <pre>
 * java @flags -Xmx256m -cp target/test-classes:target/classes:$CP dev.swarm.tracker.swarm.StoreFootprintMain \
 *      DIR [swarms=100000] [peersPerSwarm=50] [expectedSwarms=swarms] [maxSwarms=expectedSwarms] [expectedPeers=peersPerSwarm]
 * java @flags -Xmx256m -cp ... dev.swarm.tracker.swarm.StoreFootprintMain reopen DIR swarms expectedSwarms maxSwarms expectedPeers
 * </pre>
 *
 * <p>Phases: open and exercise a throw-away store (so that Chronicle's run-time compilation and the
 * JIT are done), then open an empty store and take the baseline; fill {@code swarms * peersPerSwarm}
 * IPv4 peers (round-robin over the swarms, so every swarm grows one peer at a time, with scattered
 * addresses); re-announce every peer in a scrambled order asking for 50 peers; scrape; an expiry pass
 * that can skip every swarm and one that must examine every peer but removes none; clean reopen;
 * unclean reopen (the sidecar marked open, so Chronicle recovery and the verifying walk run). Reports
 * resident memory from /proc/self/status (anonymous and file-backed), heap after GC, wall and
 * thread-CPU nanoseconds per operation (CPU time is the useful one on a shared machine), bytes
 * allocated per operation on the calling thread, and GC collections.
 *
 * <p>{@code reopen} then opens the store left behind in a fresh JVM, as a restarted tracker does,
 * serves one announce, and times an expiry pass that removes everything.
 */
public final class StoreFootprintMain {
    private static final long NOW = 1_700_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private StoreFootprintMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("reopen")) {
            reopen(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]),
                    Integer.parseInt(args[5]));
            return;
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "/var/tmp/swarm-footprint");
        int swarms = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int perSwarm = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        long expected = args.length > 3 ? Long.parseLong(args[3]) : swarms;
        long maxSwarms = args.length > 4 ? Long.parseLong(args[4]) : expected;
        int expectedPeers = args.length > 5 ? Integer.parseInt(args[5]) : perSwarm;
        int peers = swarms * perSwarm;
        SwarmStoreConfig config = config(dir, expectedPeers, expected, maxSwarms);
        AnnounceOp op = new AnnounceOp();
        PeerSample out = new PeerSample(200);
        ScrapeHolder scrape = new ScrapeHolder();

        Path warmDir = dir.resolveSibling(dir.getFileName() + "-warmup");
        deleteTree(warmDir);
        long t = System.nanoTime();
        try (OffHeapSwarmStore warm = OffHeapSwarmStore.open(config(warmDir, 50, 1000, 1000))) {
            report("open a first store (Chronicle compiles its classes)", System.nanoTime() - t, 0, 1);
            warmUp(warm, op, out);
        }
        deleteTree(warmDir);
        deleteTree(dir);
        t = System.nanoTime();
        OffHeapSwarmStore store = OffHeapSwarmStore.open(config);
        report("open the empty store", System.nanoTime() - t, 0, 1);
        long[] before = memory();
        print("baseline", before);

        long gcs = gcCount();
        long alloc = THREADS.getCurrentThreadAllocatedBytes();
        long cpu = cpu();
        t = System.nanoTime();
        for (int i = 0; i < peers; i++) {
            announce(store, op, out, i, swarms, AnnounceEvent.STARTED, 0, NOW);
        }
        report("fill: join, numwant 0", System.nanoTime() - t, cpu() - cpu, peers);
        System.out.printf(Locale.ROOT, "  allocated %.3f bytes/announce, %d GCs%n",
                (double) (THREADS.getCurrentThreadAllocatedBytes() - alloc) / peers, gcCount() - gcs);
        long[] after = memory();
        print("filled", after);
        System.out.printf(Locale.ROOT, "  RSS growth %.2f bytes/peer (anon %.2f, file %.2f), heap growth %.2f bytes/peer%n",
                (double) (after[0] - before[0]) / peers, (double) (after[1] - before[1]) / peers,
                (double) (after[2] - before[2]) / peers, (double) (after[3] - before[3]) / peers);
        System.out.printf(Locale.ROOT, "  files: v4 %d MB, v6 %d MB (%s); %s%n",
                Files.size(dir.resolve(StoreFiles.mapFileName(Family.V4))) >> 20,
                Files.size(dir.resolve(StoreFiles.mapFileName(Family.V6))) >> 20,
                MapSizing.of(new SwarmLayout(Family.V4, 32, 20_000), expected, maxSwarms, expectedPeers).describe(),
                store.stats());

        long stride = 2_654_435_761L % peers;
        while (gcd(stride, peers) != 1) {
            stride++;
        }
        gcs = gcCount();
        long gcMillis = gcMillis();
        alloc = THREADS.getCurrentThreadAllocatedBytes();
        cpu = cpu();
        t = System.nanoTime();
        long returned = 0;
        for (long i = 0; i < peers; i++) {
            announce(store, op, out, (int) (i * stride % peers), swarms, AnnounceEvent.NONE, 50, NOW + 60_000);
            returned += out.count();
        }
        report("re-announce in scrambled order, numwant 50", System.nanoTime() - t, cpu() - cpu, peers);
        System.out.printf(Locale.ROOT, "  %.1f peers returned on average; allocated %.3f bytes/announce; %d GCs, %d ms%n",
                (double) returned / peers, (double) (THREADS.getCurrentThreadAllocatedBytes() - alloc) / peers,
                gcCount() - gcs, gcMillis() - gcMillis);

        byte[] h = new byte[20];
        cpu = cpu();
        t = System.nanoTime();
        long seen = 0;
        for (int i = 0; i < 1_000_000; i++) {
            hash(h, (int) (i * stride % swarms));
            store.scrape(h, 0, NOW, scrape);
            seen += scrape.leechers();
        }
        report("scrape", System.nanoTime() - t, cpu() - cpu, 1_000_000);

        expiryPass(store, NOW + 120_000, "expiry pass, every swarm skipped (oldest peer within the timeout)");
        expiryPass(store, NOW + 3_630_000, "expiry pass, every peer examined, none expired");
        print("after the work", memory());
        StoreStats stats = store.stats();

        t = System.nanoTime();
        store.close();
        report("close", System.nanoTime() - t, 0, 1);
        t = System.nanoTime();
        store = OffHeapSwarmStore.open(config);
        report("clean reopen in the same JVM (open + counting walk)", System.nanoTime() - t, 0, 1);
        check(stats, store.stats());
        store.close();

        Path meta = dir.resolve(StoreFiles.META);
        Files.writeString(meta, Files.readString(meta).replace("state=clean", "state=open"));
        t = System.nanoTime();
        store = OffHeapSwarmStore.open(config);
        report("unclean reopen in the same JVM (recovery + verifying walk)", System.nanoTime() - t, 0, 1);
        check(stats, store.stats());
        store.close();
        System.out.printf(Locale.ROOT, "(scraped leechers %d)%n", seen);
    }

    private static void expiryPass(OffHeapSwarmStore store, long now, String what) {
        int slices = store.expireSlices();
        long worst = 0;
        long cpu = cpu();
        long t = System.nanoTime();
        long removed = 0;
        for (int i = 0; i < slices; i++) {
            long s0 = System.nanoTime();
            removed += store.expireStep(now);
            worst = Math.max(worst, System.nanoTime() - s0);
        }
        System.out.printf(Locale.ROOT, "%s: %d steps, %.1f us/step wall (cpu %.1f), worst %.1f us wall, %d removed%n",
                what, slices, (System.nanoTime() - t) / 1e3 / slices, (cpu() - cpu) / 1e3 / slices, worst / 1e3, removed);
    }

    /** Opens an existing store in a fresh JVM, as a restarted tracker does, and serves one announce. */
    private static void reopen(Path dir, int swarms, long expected, long maxSwarms, int expectedPeers) {
        long t = System.nanoTime();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        OffHeapSwarmStore store = OffHeapSwarmStore.open(config(dir, expectedPeers, expected, maxSwarms));
        AnnounceOp op = new AnnounceOp();
        PeerSample out = new PeerSample(200);
        announce(store, op, out, 12_345, swarms, AnnounceEvent.NONE, 50, NOW + 180_000);
        long served = System.currentTimeMillis();
        report("restart: open + counting walk + first announce", System.nanoTime() - t, 0, 1);
        System.out.printf(Locale.ROOT, "  %d ms after JVM start; %d peers returned; %s%n", served - jvmStart, out.count(),
                store.stats());
        expiryPass(store, NOW + 7_200_000, "expiry pass removing everything");
        System.out.printf(Locale.ROOT, "  left %s%n", store.stats());
        store.close();
    }

    private static SwarmStoreConfig config(Path dir, int expectedPeers, long expected, long maxSwarms) {
        return new SwarmStoreConfig(dir, maxSwarms, 20_000, expected, expectedPeers, Duration.ofHours(1),
                SwarmStoreConfig.OnCorrupt.QUARANTINE);
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static void announce(SwarmStore store, AnnounceOp op, PeerSample out, int id, int swarms,
                                 AnnounceEvent event, int numWant, long now) {
        hash(op.infoHash, id % swarms);
        int addr = scatter(id);
        op.family = Family.V4;
        op.peer[0] = (byte) (addr >>> 24);
        op.peer[1] = (byte) (addr >>> 16);
        op.peer[2] = (byte) (addr >>> 8);
        op.peer[3] = (byte) addr;
        op.peer[4] = (byte) 0x1A;
        op.peer[5] = (byte) 0xE1;
        op.event = event;
        op.seeder = id % 3 == 0;
        op.numWant = numWant;
        store.announce(op, now, out);
    }

    /** The info-hash of torrent {@code t}: its number in the first 4 bytes, scrambled filler after. */
    private static void hash(byte[] h, int t) {
        h[0] = (byte) (t >>> 24);
        h[1] = (byte) (t >>> 16);
        h[2] = (byte) (t >>> 8);
        h[3] = (byte) t;
        for (int k = 4; k < 20; k++) {
            h[k] = (byte) (t * 31 + k * 7 + (t >>> (k % 4 * 8)));
        }
    }

    /** A bijection on 32-bit ints that scatters consecutive ids over the address space. */
    private static int scatter(int id) {
        int x = id * 0x9E3779B1;
        x ^= x >>> 15;
        x *= 0x85EBCA77;
        return x ^ (x >>> 13);
    }

    private static void warmUp(OffHeapSwarmStore store, AnnounceOp op, PeerSample out) {
        for (int i = 0; i < 200_000; i++) {
            announce(store, op, out, i, 1000, AnnounceEvent.STARTED, 50, NOW);
        }
        for (int i = 0; i < 200_000; i++) {
            announce(store, op, out, i, 1000, AnnounceEvent.STOPPED, 0, NOW);
        }
        for (int i = store.expireSlices(); i > 0; i--) {
            store.expireStep(NOW);
        }
        if (store.stats().peers() != 0 || store.stats().swarms() != 0) {
            throw new IllegalStateException("warm-up left " + store.stats());
        }
    }

    private static void check(StoreStats expected, StoreStats actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException("restart changed the counts: " + expected + " -> " + actual);
        }
    }

    /** RSS, RSS anonymous, RSS file-backed (bytes) and heap used after GC. */
    private static long[] memory() throws IOException {
        System.gc();
        long rss = 0;
        long anon = 0;
        long file = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kb(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kb(line);
            } else if (line.startsWith("RssFile:")) {
                file = kb(line);
            }
        }
        Runtime r = Runtime.getRuntime();
        return new long[] {rss, anon, file, r.totalMemory() - r.freeMemory()};
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }

    private static void print(String what, long[] m) {
        System.out.printf(Locale.ROOT, "%-14s RSS %7.1f MB (anon %7.1f, file %7.1f), heap used %6.1f MB%n", what,
                m[0] / 1048576.0, m[1] / 1048576.0, m[2] / 1048576.0, m[3] / 1048576.0);
    }

    private static void report(String what, long nanos, long cpuNanos, long ops) {
        if (ops == 1) {
            System.out.printf(Locale.ROOT, "%s: %.1f ms%n", what, nanos / 1e6);
        } else {
            System.out.printf(Locale.ROOT, "%s: %d ops, %.0f ns/op wall, %.0f ns/op cpu%n", what, ops,
                    (double) nanos / ops, (double) cpuNanos / ops);
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
