package dev.swarm.peerbridge.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SqliteHistoryStoreTest {
    static final String URL = "udp://127.0.0.1:6969/announce";
    static final long T0 = 1_800_000_000_000L; // a whole hour

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(T0);

    SqliteHistoryStore open() {
        return SqliteHistoryStore.open(dir, clock::get, Duration.ofDays(7), Duration.ofDays(90), Duration.ofMillis(50));
    }

    static ProbeResult probe(long at, boolean ok, long latency) {
        return new ProbeResult(URL, "ipv4", at, ProbeResult.Kind.UDP_CONNECT.text(), ok, latency, ok ? 3L : null,
                ok ? 4L : null, ok ? 5L : null, null, ok ? null : "timeout", null);
    }

    @Test
    void resultsRollupsAndSamplesSurviveAReopen() {
        try (SqliteHistoryStore s = open()) {
            s.record(probe(T0, true, 10));
            s.record(probe(T0 + 1_000, true, 30));
            s.record(probe(T0 + 2_000, false, 500));
            s.record(probe(T0 + 61_000, false, 500));
            s.record(new ProbeResult(URL, null, T0 + 3_000, "announce", true, 7, 1L, 2L, null, 9, null, "ab"));
            s.record(new TorrentHealth("ab", "n", T0, 3, 1, 2, 10, 1.5, List.of()));
            s.record(new TorrentHealth("ab", "n", T0 + 1_000, 3, 1, 2, 10, 0.5, List.of()));
            s.record(new TorrentHealth("cd", "magnet", T0, 2, null, null, null, null, null));
        }
        try (SqliteHistoryStore s = open()) {
            List<ProbeResult> log = s.recent(URL, 10);
            assertEquals(5, log.size());
            assertEquals(T0 + 61_000, log.get(0).atMillis(), "newest first");
            assertEquals("timeout", log.get(0).error());
            assertEquals(9, log.get(1).peers());
            assertEquals(2, s.recent(URL, 2).size());
            assertEquals(50.0, s.uptime(URL, T0, T0 + 120_000), 1e-9, "probes only: 2 ok of 4 (the announce does not count)");
            assertNull(s.uptime("http://other/announce", T0, T0 + 120_000));

            List<HistoryPoint> raw = s.trackerHistory(URL, T0, T0 + 3_600_000);
            assertEquals(5, raw.size());
            assertEquals("raw", raw.get(0).resolution());

            List<HistoryPoint> minutes = s.trackerHistory(URL, T0, T0 + 24 * 3_600_000L);
            assertEquals(2, minutes.size());
            HistoryPoint m0 = minutes.get(0);
            assertEquals("minute", m0.resolution());
            assertEquals(3, m0.probes());
            assertEquals(2, m0.probesOk());
            assertEquals(1, m0.announces());
            assertEquals(20.0, m0.latencyMillis(), 1e-9, "mean of the successful probes only");
            assertEquals(100.0 * 2 / 3, m0.uptime(), 1e-9);

            List<HistoryPoint> hours = s.trackerHistory(URL, T0, T0 + 7 * 24 * 3_600_000L);
            assertEquals(1, hours.size());
            assertEquals(4, hours.get(0).probes());

            List<TorrentPoint> tp = s.torrentHistory("ab", T0, T0 + 3_600_000);
            assertEquals(2, tp.size());
            assertEquals(1.5, tp.get(0).availability());
            TorrentPoint tm = s.torrentHistory("ab", T0, T0 + 24 * 3_600_000L).get(0);
            assertEquals(2, tm.samples());
            assertEquals(1.0, tm.availability(), 1e-9);
            assertEquals(0.5, tm.minAvailability(), 1e-9);
            TorrentPoint unknown = s.torrentHistory("cd", T0, T0 + 24 * 3_600_000L).get(0);
            assertNull(unknown.availability(), "unknown piece count stays unknown in the rollup");
            assertNull(unknown.seeds());
            assertEquals(List.of(URL), s.trackerUrls());
        }
    }

    @Test
    void rawResultsExpireAfterTheirRetentionRollupsStay() {
        try (SqliteHistoryStore s = open()) {
            s.record(probe(T0, true, 10));
            s.flush();
            clock.set(T0 + Duration.ofDays(8).toMillis());
            s.record(probe(clock.get(), true, 10));
            s.flush();
            assertEquals(1, s.recent(URL, 10).size(), "the 8-day-old raw result is gone");
            assertEquals(100.0, s.uptime(URL, T0, T0 + 60_000), 1e-9, "its minute rollup is kept");
            clock.set(T0 + Duration.ofDays(91).toMillis());
            s.record(probe(clock.get(), true, 10));
            s.flush();
            assertNull(s.uptime(URL, T0, T0 + 60_000), "rollups older than 90 days are gone");
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedNamingItAndLeftUntouched() throws Exception {
        Path f = dir.resolve(SqliteHistoryStore.FILE);
        byte[] junk = "this is not a database, it is an operator's note\n".repeat(200).getBytes();
        Files.write(f, junk);
        HistoryStoreException e = assertThrows(HistoryStoreException.class, this::open);
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertArrayEquals(junk, Files.readAllBytes(f), "never dropped or recreated");
    }

    @Test
    void aDamagedPageIsRefusedByQuickCheck() throws Exception {
        try (SqliteHistoryStore s = open()) {
            for (int i = 0; i < 5000; i++) {
                s.record(probe(T0 + i, i % 3 != 0, i));
            }
        }
        Path f = dir.resolve(SqliteHistoryStore.FILE);
        Files.deleteIfExists(dir.resolve(SqliteHistoryStore.FILE + "-wal"));
        long size = Files.size(f);
        assertTrue(size > 16 * 4096, "several pages: " + size);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            byte[] garbage = new byte[4096];
            java.util.Arrays.fill(garbage, (byte) 0x5A);
            raf.seek(4096 * 3);
            raf.write(garbage);
            raf.seek(4096 * 8);
            raf.write(garbage);
        }
        byte[] damaged = Files.readAllBytes(f);
        HistoryStoreException e = assertThrows(HistoryStoreException.class, this::open);
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(f), "left as it is");
    }
}
