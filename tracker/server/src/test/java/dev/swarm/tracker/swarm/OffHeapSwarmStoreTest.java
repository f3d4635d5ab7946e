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
        assertTrue(errors().stream().anyMatch(m -> m.contains("no usable metadata")), errors().toString());
    }

    @Test
    void unreadableMetadataQuarantinesEverything() throws IOException {
        SwarmStore s = store();
        fill(s);
        s.close();
        Files.writeString(storeDir().resolve(StoreFiles.META), "format=something else\nstate=clean\n");
        SwarmStore again = store();
        assertEquals(0, again.stats().swarms());
        assertEquals(1, quarantined(V4).size());
        assertEquals(1, quarantined(V6).size());
        try (Stream<Path> files = Files.list(storeDir())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(StoreFiles.META + ".corrupt-")).count());
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
    void quarantineKeepsTheTwoNewestCopies() throws IOException {
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(storeDir());
            Files.writeString(file(V4), "junk " + i);
            store().close();
        }
        List<Path> q = quarantined(V4);
        assertEquals(2, q.size());
        List<String> contents = new ArrayList<>();
        for (Path p : q) {
            contents.add(Files.readString(p));
        }
        assertTrue(contents.containsAll(List.of("junk 2", "junk 3")), contents.toString());
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
