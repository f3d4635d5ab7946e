package dev.swarm.tracker.swarm;

import static dev.swarm.protocol.AnnounceEvent.COMPLETED;
import static dev.swarm.protocol.AnnounceEvent.STARTED;
import static dev.swarm.tracker.swarm.Family.V4;
import static dev.swarm.tracker.swarm.Family.V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.swarm.protocol.AnnounceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The contract on the off-heap store, plus persistence: restart, crash, damaged and foreign files. */
class OffHeapSwarmStoreTest extends SwarmStoreContract {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger storeLogger = (Logger) LoggerFactory.getLogger(OffHeapSwarmStore.class);

    @Override
    SwarmStore open(SwarmStoreConfig config) {
        return OffHeapSwarmStore.open(config);
    }

    @Override
    int sweepAll(SwarmStore store, long nowMillis) {
        int removed = 0;
        for (int i = store.expireSlices(); i > 0; i--) {
            removed += store.expireStep(nowMillis);
        }
        return removed;
    }

    @BeforeEach
    void captureLog() {
        log.start();
        storeLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        storeLogger.detachAppender(log);
    }

    private Path storeDir() {
        return dir.resolve("store");
    }

    private Path file(Family f) {
        return storeDir().resolve(StoreFiles.mapFileName(f));
    }

    private List<Path> quarantined(Family f) throws IOException {
        try (Stream<Path> s = Files.list(storeDir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(StoreFiles.mapFileName(f) + ".corrupt-")).toList();
        }
    }

    private List<String> errors() {
        return log.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Fills torrents 0..9 in both families; returns the stats. */
    private StoreStats fill(SwarmStore s) {
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 25; p++) {
                announce(s, t, V4, p, p % 4 == 0 ? COMPLETED : STARTED, p % 4 == 0, 0, T0);
                announce(s, t, V6, p, STARTED, p % 5 == 0, 0, T0);
            }
        }
        return s.stats();
    }

    @Test
    void peersSurviveARestart() {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        assertTrue(Files.exists(storeDir().resolve(StoreFiles.META)));

        SwarmStore again = store();
        assertEquals(before, again.stats());
        assertEquals(7, scrape(again, 3, T0).downloaded(), "peers 0, 4, ..., 24 completed");
        announce(again, 3, V4, 100, STARTED, false, 500, T0 + 1000);
        Set<String> got = Peers.records(out);
        assertEquals(25, got.size());
        assertTrue(got.contains(Peers.record(V4, 24)));
        announce(again, 3, V6, 100, STARTED, false, 500, T0 + 1000);
        assertEquals(25, out.count());
        assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("recovery")), "clean restart");
    }

    @Test
    void aCleanCloseRecordsTheCountsAndTheNextOpenUsesThemWithoutAWalk() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        String meta = Files.readString(storeDir().resolve(StoreFiles.META));
        assertTrue(meta.contains("v4.swarms=10\n") && meta.contains("v6.swarms=10\n"), meta);
        assertTrue(meta.contains("v4.seeders=" + before.v4().seeders() + "\n"), meta);
        assertTrue(meta.contains("v6.leechers=" + before.v6().leechers() + "\n"), meta);

        log.list.clear();
        SwarmStore again = store();
        assertEquals(before, again.stats());
        assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("counted")), "no counting walk");
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("counts recorded at close")));
        // While open, the sidecar says "open" and carries no counts: a crash now makes the next start walk.
        String open = Files.readString(storeDir().resolve(StoreFiles.META));
        assertTrue(open.contains("state=open") && !open.contains("swarms="), open);
    }

    @Test
    void damagedCountLinesCostOnlyTheWalk() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        Path metaFile = storeDir().resolve(StoreFiles.META);
        String meta = Files.readString(metaFile);
        Files.writeString(metaFile, meta.replace("v4.seeders=", "v4.seeders=x").replace("v6.leechers=", "v6.leechers=-"));

        log.list.clear();
        SwarmStore again = store();
        assertEquals(before, again.stats(), "counted again by the walk");
        assertEquals(2, log.list.stream().filter(e -> e.getFormattedMessage().contains("counted")).count());
        assertTrue(errors().isEmpty(), "nothing quarantined: " + errors());
    }

    @Test
    void oldPeersHaveExpiredAfterALongDowntime() {
        SwarmStore s = store();
        fill(s);
        s.close();
        SwarmStore again = store();
        long tenHoursLater = T0 + 10 * 3_600_000L;
        announce(again, 3, V4, 100, STARTED, false, 500, tenHoursLater);
        assertEquals(0, out.count());
        sweepAll(again, tenHoursLater);
        assertEquals(1, again.stats().peers());
    }

    @Test
    void aKilledProcessLeavesARecoverableStore() throws Exception {
        // An honest crash: another JVM opens the store, announces, reports, and is killed with SIGKILL
        // (destroyForcibly) while the store is open, so nothing of close() runs.
        Path store = storeDir();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native") || a.startsWith("--sun-misc")
                        || a.startsWith("-Dchronicle"))
                .toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashingStoreProcess.class.getName(),
                store.toString(), "2000"));
        Path err = dir.resolve("child.err");
        Process child = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> new Thread(r, "crash-child-reader"));
        String ready;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            Future<String> line = reader.submit(r::readLine);
            ready = line.get(90, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
            reader.shutdownNow();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        assertTrue(ready != null && ready.startsWith("READY "), "child said: " + ready + "; stderr: " + Files.readString(err));
        assertTrue(Files.readString(store.resolve(StoreFiles.META)).contains("state=open"), "killed while open");

        SwarmStore s = store();
        assertEquals(ready.substring("READY ".length()), s.stats().toString());
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("not closed cleanly")));
        announce(s, 2, V4, 1_000_000, STARTED, false, 50, CrashingStoreProcess.NOW);
        assertEquals(50, out.count());
        s.close();
        assertTrue(Files.readString(store.resolve(StoreFiles.META)).contains("state=clean"));
    }

    @Test
    void randomOperationsKeepEverySwarmSorted() throws IOException {
        SwarmStore s = store();
        Random rnd = new Random(3);
        AnnounceEvent[] events = AnnounceEvent.values();
        for (int i = 0; i < 20_000; i++) {
            Family f = rnd.nextBoolean() ? V4 : V6;
            announce(s, rnd.nextInt(8), f, rnd.nextInt(150), events[rnd.nextInt(events.length)], rnd.nextBoolean(), 5,
                    T0 + i * 10L);
        }
        StoreStats before = s.stats();
        s.close();
        Path meta = storeDir().resolve(StoreFiles.META);
        Files.writeString(meta, Files.readString(meta).replace("state=clean", "state=open"));
        SwarmStore again = store();
        assertEquals(before, again.stats(), "the verifying walk after an unclean stop dropped nothing");
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("(verified)")));
        assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("dropped")));
    }

    @Test
    void aTruncatedFileIsQuarantined() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        long length = Files.size(file(V4));
        try (RandomAccessFile raf = new RandomAccessFile(file(V4).toFile(), "rw")) {
            raf.setLength(length / 2);
        }
        SwarmStore again = store();
        assertEquals(0, again.stats().v4().peers());
        assertEquals(before.v6(), again.stats().v6(), "the other family is untouched");
        List<Path> q = quarantined(V4);
        assertEquals(1, q.size());
        assertEquals(length / 2, Files.size(q.get(0)));
        assertTrue(errors().stream().anyMatch(m -> m.contains(file(V4).toString()) && m.contains("truncated")), errors().toString());
        assertEquals(Outcome.OK, announce(again, 1, V4, 1, STARTED, false, 5, T0).outcome());
    }

    @Test
    void aForeignFileIsQuarantined() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        byte[] noise = new byte[(int) Files.size(file(V6))];
        new Random(7).nextBytes(noise);
        Files.write(file(V6), noise);
        SwarmStore again = store();
        assertEquals(before.v4(), again.stats().v4());
        assertEquals(0, again.stats().v6().swarms());
        assertEquals(1, quarantined(V6).size());
        assertTrue(errors().stream().anyMatch(m -> m.contains(file(V6).toString()) && m.contains("header")), errors().toString());
    }

    @Test
    void aMapFileWithoutMetadataIsQuarantined() throws IOException {
        Files.createDirectories(storeDir());
        Files.writeString(file(V4), "not a chronicle map\n".repeat(1000));
        SwarmStore s = store();
        assertEquals(0, s.stats().swarms());
        assertEquals(1, quarantined(V4).size());
        assertTrue(errors().stream().anyMatch(m -> m.contains("no metadata file") && m.contains("Chronicle Map header")),
                errors().toString());
    }

    @Test
    void unreadableMetadataMakesTheStartVerifyTheMapsAndKeepEverySwarm() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        Files.writeString(storeDir().resolve(StoreFiles.META), "format=something else\nstate=clean\n");
        SwarmStore again = store();
        assertEquals(before, again.stats());
        assertEquals(0, quarantined(V4).size());
        assertEquals(0, quarantined(V6).size());
        try (Stream<Path> files = Files.list(storeDir())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(StoreFiles.META + ".corrupt-")).count(),
                    "the bad metadata file is kept aside");
        }
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("(verified)")));
    }

    /** Each damage of the sidecar from the attack run: the maps are recovered and verified, every swarm kept. */
    @Test
    void everyDamageOfTheSidecarKeepsEverySwarm() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        Path metaFile = storeDir().resolve(StoreFiles.META);
        String good = Files.readString(metaFile);
        int crcDigit = good.indexOf("v4.crc=") + "v4.crc=".length();
        String changedCrc = good.substring(0, crcDigit) + (char) ((good.charAt(crcDigit) - '0' + 1) % 10 + '0')
                + good.substring(crcDigit + 1);
        List<String> damages = List.of(changedCrc, good.replace("state=clean", "state=cleam"),
                good.substring(0, good.length() / 2), "", good.replace("v4.swarms=10", "v4.swarms=999999999"));
        int emptySwarms = 0; // each round leaves the swarm of its new torrent, empty until a sweep
        for (String damaged : damages) {
            Files.writeString(metaFile, damaged);
            SwarmStore again = store();
            assertEquals(before.v6(), again.stats().v6(), "after writing:\n" + damaged);
            assertEquals(new StoreStats.FamilyStats(before.v4().swarms() + emptySwarms, before.v4().seeders(),
                    before.v4().leechers()), again.stats().v4(), "after writing:\n" + damaged);
            assertEquals(Outcome.OK, announce(again, 100 + emptySwarms, V4, 1, STARTED, false, 5, T0).outcome(),
                    "a new torrent is welcome");
            announce(again, 100 + emptySwarms, V4, 1, AnnounceEvent.STOPPED, false, 5, T0);
            emptySwarms++;
            again.close();
            assertEquals(0, quarantined(V4).size() + quarantined(V6).size(), errors().toString());
        }
        Files.delete(metaFile);
        SwarmStore again = store();
        assertEquals(before.v6(), again.stats().v6(), "no metadata file at all");
        assertEquals(before.v4().peers(), again.stats().v4().peers(), "no metadata file at all");
        assertEquals(0, quarantined(V4).size() + quarantined(V6).size(), errors().toString());
    }

    /**
     * A crash while Chronicle recovers (or creates) a file leaves its header marked incomplete: the next start
     * clears the mark and recovers again, within seconds (Chronicle alone would wait a minute and fail).
     */
    @Test
    void aCrashDuringRecoveryLeavesAStoreTheNextStartRecovers() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        Path metaFile = storeDir().resolve(StoreFiles.META);
        Files.writeString(metaFile, Files.readString(metaFile).replace("state=clean", "state=open"));
        for (Family f : Family.values()) {
            try (RandomAccessFile raf = new RandomAccessFile(file(f).toFile(), "rw")) {
                raf.seek(11);
                int top = raf.read();
                raf.seek(11);
                raf.write(top | 0x80); // bit 31 of the little-endian size word at offset 8
            }
            assertTrue(StoreFiles.headerIncomplete(file(f)));
        }
        long t0 = System.nanoTime();
        SwarmStore again = store();
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "opened within seconds");
        assertEquals(before, again.stats());
        assertEquals(0, quarantined(V4).size() + quarantined(V6).size(), errors().toString());
        assertFalse(StoreFiles.headerIncomplete(file(V4)));
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("interrupted")));
    }

    /**
     * Random bytes over the segment headers of a store the sidecar calls clean: the quick check at start sees
     * it, recovery runs, the store serves every torrent without a request waiting, and keeps what it can read.
     */
    @Test
    void randomBytesInTheSegmentHeadersOfACleanStoreAreRecovered() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        FamilyMap fm = ((OffHeapSwarmStore) s).familyMap(V4);
        net.openhft.chronicle.hash.impl.VanillaChronicleHash<?, ?, ?, ?> h =
                (net.openhft.chronicle.hash.impl.VanillaChronicleHash<?, ?, ?, ?>) fm.map;
        long headers = h.segmentHeadersOffset;
        long headersBytes = h.segmentHeaderAddress(h.actualSegments - 1) - h.segmentHeaderAddress(0) + 64;
        s.close();
        byte[] noise = new byte[(int) Math.min(16 * 1024, headersBytes)];
        new Random(11).nextBytes(noise);
        try (RandomAccessFile raf = new RandomAccessFile(file(V4).toFile(), "rw")) {
            raf.seek(headers);
            raf.write(noise);
        }
        assertTrue(Files.readString(storeDir().resolve(StoreFiles.META)).contains("state=clean"));

        long t0 = System.nanoTime();
        SwarmStore again = store();
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "opened within seconds");
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("marked clean, but")),
                "the quick check found the damage");
        assertEquals(before.v6(), again.stats().v6());
        assertEquals(before.v4(), again.stats().v4(), "the swarms themselves were not damaged");
        for (int t = 0; t < 200; t++) {
            long r0 = System.nanoTime();
            announce(again, t, V4, 1000, STARTED, false, 50, T0);
            ScrapeHolder sc = scrape(again, t, T0);
            assertTrue(System.nanoTime() - r0 < 1_000_000_000L, "torrent " + t + " took over a second");
            assertTrue(sc.downloaded() <= 25, "downloads of torrent " + t + ": " + sc.downloaded());
        }
        assertEquals(0, quarantined(V4).size(), errors().toString());
    }

    /**
     * A lock word damaged while the store runs: requests to that segment wait at most the lock timeout and get
     * a {@link StoreUnavailableException}; the close then leaves the store for recovery, which repairs it.
     */
    @Test
    void aDamagedLockWordWhileServingRefusesWithinTheTimeoutAndTheNextStartRepairsIt() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        FamilyMap fm = ((OffHeapSwarmStore) s).familyMap(V4);
        net.openhft.chronicle.hash.impl.VanillaChronicleHash<?, ?, ?, ?> h =
                (net.openhft.chronicle.hash.impl.VanillaChronicleHash<?, ?, ?, ?>) fm.map;
        try (RandomAccessFile raf = new RandomAccessFile(file(V4).toFile(), "rw")) {
            for (int i = 0; i < h.actualSegments; i++) {
                raf.seek(h.segmentHeaderAddress(i) - h.bsAddress());
                raf.writeLong(-1L); // every lock held for ever, seen through the shared mapping
            }
        }
        long t0 = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> announce(s, 3, V4, 1000, STARTED, false, 50, T0));
        long waited = System.nanoTime() - t0;
        assertTrue(waited < 2_000_000_000L, "waited " + waited / 1_000_000 + " ms");
        assertThrows(StoreUnavailableException.class, () -> scrape(s, 3, T0));
        assertEquals(Outcome.OK, announce(s, 3, V6, 1000, STARTED, false, 50, T0).outcome(), "v6 unaffected");
        assertTrue(errors().stream().anyMatch(m -> m.contains("tracker storage unavailable") && m.contains("restart")),
                errors().toString());
        s.close();
        assertTrue(Files.readString(storeDir().resolve(StoreFiles.META)).contains("state=open"), "not marked clean");

        SwarmStore again = store();
        assertEquals(before.v4(), again.stats().v4());
        assertEquals(Outcome.OK, announce(again, 3, V4, 1000, STARTED, false, 50, T0).outcome());
    }

    /**
     * Growth beyond the first tiers goes only into reserved space: while the sweeper keeps the reserve topped up
     * every new swarm is stored; without top-ups, once the reserve is used up a new swarm is refused with
     * {@link StoreUnavailableException} (never a fault), and the next sweep step lets growth resume.
     */
    @Test
    void growthGoesOnlyIntoReservedSpace() throws IOException {
        SwarmStoreConfig small = new SwarmStoreConfig(storeDir(), 100_000, MAX_PEERS, 64, 2,
                Duration.ofSeconds(TIMEOUT_SEC), SwarmStoreConfig.OnCorrupt.QUARANTINE);
        SwarmStore s = OffHeapSwarmStore.open(small);
        try {
            FamilyMap fm = ((OffHeapSwarmStore) s).familyMap(V4);
            assertTrue(fm.reserve.mayGrow(), "reserved at open");
            long lengthAtOpen = Files.size(file(V4));
            int t = 0;
            for (; t < 3000; t++) {
                assertEquals(Outcome.OK, announce(s, t, V4, 1, STARTED, false, 0, T0).outcome(), "torrent " + t);
                s.expireStep(T0); // the sweeper's step tops the reserve up
            }
            assertTrue(Files.size(file(V4)) > lengthAtOpen, "the map grew into extra tiers");
            int refusedAt = -1;
            for (; t < 100_000 && refusedAt < 0; t++) { // no sweeper: the reserve runs out
                try {
                    announce(s, t, V4, 1, STARTED, false, 0, T0);
                } catch (StoreUnavailableException e) {
                    refusedAt = t;
                }
            }
            assertTrue(refusedAt > 0, "refused once the reserve was used up");
            assertFalse(fm.reserve.mayGrow());
            assertTrue(errors().stream().anyMatch(m -> m.contains("no disk space is reserved")), errors().toString());
            assertEquals(refusedAt, s.stats().v4().swarms(), "the refused swarm was not counted");
            s.expireStep(T0);
            assertEquals(Outcome.OK, announce(s, refusedAt, V4, 1, STARTED, false, 0, T0).outcome(), "growth resumes");
        } finally {
            s.close();
        }
        log.list.clear();
        SwarmStore again = OffHeapSwarmStore.open(small);
        try {
            assertTrue(again.stats().v4().swarms() > 3000);
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("counts recorded at close")),
                    "the start-up check counts the entries of the extra tiers too: no recovery after a clean close");
            assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("recovery")));
        } finally {
            again.close();
        }
    }

    /** A compact IPv4 record 10.0.0.i:6881; ascending with i. */
    private static byte[] rec(int i) {
        return new byte[] {10, 0, 0, (byte) i, 0x1A, (byte) 0xE1};
    }

    /** A swarm left unordered by a crash in the middle of a shift is put in order, not dropped. */
    @Test
    void anUnorderedSwarmIsRepairedAtRecovery() {
        PackedSwarm ps = new PackedSwarm(new SwarmLayout(V4, SwarmLayout.chunkSizeFor(V4), 100));
        SwarmLayout layout = ps.layout();
        long size = layout.valueSize(layout.capacityOf(layout.chunksFor(10)));
        net.openhft.chronicle.bytes.BytesStore<?, Void> bs =
                net.openhft.chronicle.bytes.BytesStore.nativeStoreWithFixedCapacity(size);
        try {
            ps.wrap(bs, 0, size);
            ps.init(100, 0);
            for (int p = 0; p < 5; p++) {
                ps.key(rec(p * 2));
                ps.insert(rec(p * 2), PeerMeta.of(false, false, 100));
            }
            ps.key(rec(9));
            ps.insert(rec(9), PeerMeta.of(true, false, 100));
            assertTrue(ps.ordered());
            // An insert of leecher 5 interrupted in its shift: the last peer (seeder 9) was first copied one slot
            // on and counted, then leecher 8 moved onto the seeder's old slot and leecher 6 onto 8's: slots 3 and 4
            // both hold leecher 6, leecher 8 sits where the seeder region starts.
            bs.move(SwarmLayout.HEADER + 5L * layout.slot, SwarmLayout.HEADER + 6L * layout.slot, layout.slot);
            bs.writeInt(SwarmLayout.SEEDERS, 2);
            bs.move(SwarmLayout.HEADER + 3L * layout.slot, SwarmLayout.HEADER + 4L * layout.slot, 2L * layout.slot);
            assertFalse(ps.ordered());
            assertEquals(1, ps.repair(), "only the duplicate of 6");
            assertTrue(ps.ordered());
            assertEquals(5, ps.leechers(), "0, 2, 4, 6, 8: the one on the seeders' side goes by its seeder bit");
            assertEquals(1, ps.seeders(), "9");
        } finally {
            bs.releaseLast();
        }
    }

    @Test
    void theFailPolicyThrowsAndTouchesNothing() throws IOException {
        SwarmStore s = store();
        fill(s);
        s.close();
        long length = Files.size(file(V4));
        try (RandomAccessFile raf = new RandomAccessFile(file(V4).toFile(), "rw")) {
            raf.setLength(length - 4096);
        }
        SwarmStoreConfig strict = new SwarmStoreConfig(storeDir(), 1000, MAX_PEERS, 1000, 20,
                Duration.ofSeconds(TIMEOUT_SEC), SwarmStoreConfig.OnCorrupt.FAIL);
        StoreOpenException e = assertThrows(StoreOpenException.class, () -> OffHeapSwarmStore.open(strict));
        assertTrue(e.getMessage().contains(file(V4).toString()) && e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(length - 4096, Files.size(file(V4)));
        assertEquals(0, quarantined(V4).size());
        assertTrue(Files.readString(storeDir().resolve(StoreFiles.META)).contains("state=clean"));
        SwarmStore lenient = store();
        assertEquals(0, lenient.stats().v4().swarms(), "the directory lock was released by the failed open");
    }

    @Test
    void aDeletedFileStartsItsFamilyEmpty() throws IOException {
        SwarmStore s = store();
        StoreStats before = fill(s);
        s.close();
        Files.delete(file(V4));
        SwarmStore again = store();
        assertEquals(0, again.stats().v4().swarms());
        assertEquals(before.v6(), again.stats().v6());
        assertTrue(errors().isEmpty());
        assertEquals(Outcome.OK, announce(again, 1, V4, 1, STARTED, false, 5, T0).outcome());
    }

    @Test
    void anotherLayoutIsNotReused() throws IOException {
        SwarmStore s = store();
        fill(s);
        s.close();
        SwarmStore other = store(1000, 5000);
        assertEquals(0, other.stats().swarms());
        assertEquals(1, quarantined(V4).size());
        assertTrue(errors().stream().anyMatch(m -> m.contains("another configuration")), errors().toString());
    }

    @Test
    void aSecondStoreCannotOpenTheSameDirectory() {
        store();
        StoreOpenException e = assertThrows(StoreOpenException.class, this::store);
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }

    @Test
    void quarantineKeepsEveryCopyAndSaysHowMuchSpaceTheyTake() throws IOException {
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(storeDir());
            Files.writeString(file(V4), "junk " + i);
            store().close();
        }
        List<Path> q = quarantined(V4);
        assertEquals(4, q.size());
        List<String> contents = new ArrayList<>();
        for (Path p : q) {
            contents.add(Files.readString(p));
        }
        assertTrue(contents.containsAll(List.of("junk 0", "junk 1", "junk 2", "junk 3")), contents.toString());
        assertEquals(24, StoreFiles.quarantinedBytes(storeDir()));
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("4 quarantined files take 0 MiB")),
                "the start says what quarantine keeps");
    }

    @Test
    void theHeaderCrcIdentifiesAFile() throws IOException {
        SwarmStore s = store();
        s.close();
        long crc = StoreFiles.headerCrc(file(V4));
        assertTrue(crc >= 0);
        assertFalse(crc == StoreFiles.headerCrc(file(V6)), "the two maps have different headers");
        byte[] head = Files.readAllBytes(file(V4));
        head[20] ^= 1;
        Files.write(file(V4), head);
        assertFalse(crc == StoreFiles.headerCrc(file(V4)));
        Files.write(file(V4), new byte[5]);
        assertEquals(-1, StoreFiles.headerCrc(file(V4)));
    }
}
