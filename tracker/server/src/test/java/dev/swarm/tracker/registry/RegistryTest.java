package dev.swarm.tracker.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's journal: durability across reopen, crash tails, corruption, compaction, bounds, the lock. */
class RegistryTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final InfoHash H1 = InfoHash.of("registry-test-hash-1".getBytes(StandardCharsets.ISO_8859_1));
    private static final InfoHash H2 = InfoHash.of("registry-test-hash-2".getBytes(StandardCharsets.ISO_8859_1));
    private static final byte[] PEER = "-TT0001-000000000001".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);

    private Registry open(int maxUsers) {
        return Registry.open(new TrackerConfig.Registry(dir, Duration.ofSeconds(5), maxUsers, 100, 1000, 1000),
                Duration.ofMinutes(45), clock);
    }

    private Registry open() {
        return open(100);
    }

    private Path journal() {
        return dir.resolve(Journal.FILE);
    }

    @Test
    void usersTorrentsAndAccountingSurviveAReopen() {
        String passkey;
        try (Registry r = open()) {
            passkey = r.addUser("alice", true, true).passkey();
            r.addUser("bob", true, false);
            r.addUser("carol", true, true);
            r.updateUser("bob", false, null);
            r.removeUser("carol");
            r.putTorrent(H1, false);
            r.putTorrent(H2, true);
            r.removeTorrent(H2);
            r.accounting().record("alice", H1.bytes(), PEER, 0, 0, 100, AnnounceEvent.STARTED, false, clock.millis());
            r.accounting().record("alice", H1.bytes(), PEER, 500, 40, 60, AnnounceEvent.NONE, false, clock.millis());
        }
        try (Registry r = open()) {
            assertEquals(List.of("alice", "bob"), r.users().stream().map(User::name).toList());
            assertEquals("alice", r.userByPasskey(passkey).name());
            assertFalse(r.user("bob").enabled());
            assertFalse(r.user("bob").mayDownload());
            assertNull(r.user("carol"));
            assertEquals(List.of(new Torrent(H1, false, T0)), r.torrents());
            AccountView a = r.accounting().account("alice", H1);
            assertEquals(500, a.uploaded());
            assertEquals(40, a.downloaded());
            // The session baseline survived too: the next announce counts only the new bytes.
            r.accounting().record("alice", H1.bytes(), PEER, 700, 50, 50, AnnounceEvent.NONE, false, clock.millis());
            assertEquals(700, r.accounting().account("alice", H1).uploaded());
            assertEquals(50, r.accounting().account("alice", H1).downloaded());
        }
    }

    @Test
    void aCrashLosesOnlyWhatWasNotFlushed() throws Exception {
        Path copy = dir.resolveSibling(dir.getFileName() + "-crashed");
        try (Registry r = open()) {
            r.addUser("alice", true, true);
            r.accounting().record("alice", H1.bytes(), PEER, 0, 0, 100, AnnounceEvent.STARTED, false, clock.millis());
            r.accounting().record("alice", H1.bytes(), PEER, 100, 10, 90, AnnounceEvent.NONE, false, clock.millis());
            r.flush();
            r.accounting().record("alice", H1.bytes(), PEER, 900, 20, 80, AnnounceEvent.NONE, false, clock.millis());
            // The process dies here: what is on disk is what a crash leaves.
            Files.createDirectories(copy);
            Files.copy(journal(), copy.resolve(Journal.FILE));
        }
        try (Registry r = Registry.open(new TrackerConfig.Registry(copy, Duration.ofSeconds(5), 100, 100, 1000, 1000),
                Duration.ofMinutes(45), clock)) {
            assertEquals(100, r.accounting().account("alice", H1).uploaded(), "the flushed state, not the later one");
            // The restored session baseline matches the restored total: the next announce adds only its own delta.
            r.accounting().record("alice", H1.bytes(), PEER, 1000, 30, 70, AnnounceEvent.NONE, false, clock.millis());
            assertEquals(1000, r.accounting().account("alice", H1).uploaded());
        }
    }

    @Test
    void theJournalIsOnlyForTheTrackersUser() throws Exception {
        try (Registry r = open()) {
            r.addUser("alice", true, true);
            r.compactNow(); // the rewritten file too
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal())));
        // A journal an older tracker left readable is tightened at the next open.
        Files.setPosixFilePermissions(journal(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Registry r = open()) {
            assertEquals("alice", r.user("alice").name());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        // A new registry directory is created 0700 (the test's @TempDir exists already, so use a fresh one).
        Path fresh = dir.resolveSibling(dir.getFileName() + "-fresh").resolve("registry");
        Registry.open(new TrackerConfig.Registry(fresh, Duration.ofSeconds(5), 100, 100, 1000, 1000),
                Duration.ofMinutes(45), clock).close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve(Journal.FILE))));
    }

    @Test
    void rotatedPasskeyReplacesTheOldOneDurably() {
        String old;
        String rotated;
        try (Registry r = open()) {
            old = r.addUser("alice", true, true).passkey();
            rotated = r.rotatePasskey("alice").passkey();
            assertNotEquals(old, rotated);
            assertTrue(User.validPasskey(rotated));
            assertNull(r.userByPasskey(old));
        }
        try (Registry r = open()) {
            assertNull(r.userByPasskey(old));
            assertEquals("alice", r.userByPasskey(rotated).name());
        }
    }

    @Test
    void aTornTailFromACrashIsDroppedAndTheJournalStaysUsable() throws Exception {
        try (Registry r = open()) {
            r.addUser("alice", true, true);
        }
        // A crash mid-append: a complete record of an uncommitted batch, then half a line.
        Files.writeString(journal(), "{\"type\":\"user\",\"name\":\"mallory\",\"passkey\":\"0123456789abcdef0123456789abcdef\"}\n"
                + "{\"type\":\"torrent\",\"info_h", StandardOpenOption.APPEND);
        try (Registry r = open()) {
            assertEquals(List.of("alice"), r.users().stream().map(User::name).toList(), "the uncommitted batch is not applied");
            r.addUser("bob", true, true);
        }
        assertFalse(Files.readString(journal()).contains("mallory"), "the torn tail was cut off");
        try (Registry r = open()) {
            assertEquals(List.of("alice", "bob"), r.users().stream().map(User::name).toList());
        }
    }

    @Test
    void corruptionBeforeTheLastCommitRefusesTheOpen() throws Exception {
        try (Registry r = open()) {
            r.addUser("alice", true, true);
            r.addUser("bob", true, true);
        }
        List<String> lines = Files.readAllLines(journal());
        lines.set(0, "{not json");
        Files.write(journal(), lines);
        RegistryException e = assertThrows(RegistryException.class, this::open);
        assertTrue(e.getMessage().contains("line 1 is corrupt"), e.getMessage());
    }

    @Test
    void unknownRecordTypesRefuseTheOpen() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(journal(), "{\"type\":\"quota\",\"user\":\"a\"}\n{\"type\":\"commit\"}\n");
        RegistryException e = assertThrows(RegistryException.class, this::open);
        assertTrue(e.getMessage().contains("unknown record type 'quota'"), e.getMessage());
    }

    @Test
    void aSecondProcessCannotOpenTheSameRegistry() {
        try (Registry r = open()) {
            RegistryException e = assertThrows(RegistryException.class, this::open);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void compactionKeepsTheStateAndShrinksTheJournal() throws Exception {
        try (Registry r = open()) {
            r.addUser("alice", true, true);
            r.putTorrent(H1, true);
            for (int i = 1; i <= 300; i++) {
                r.accounting().record("alice", H1.bytes(), PEER, i * 10L, i * 20L, 1000, i == 1 ? AnnounceEvent.STARTED
                        : AnnounceEvent.NONE, true, clock.millis());
                clock.advance(1000);
                r.flush();
            }
            long before = Files.size(journal());
            r.compactNow();
            long after = Files.size(journal());
            assertTrue(after * 10 < before, "compacted from " + before + " to " + after + " bytes");
        }
        try (Registry r = open()) {
            AccountView a = r.accounting().account("alice", H1);
            assertEquals(3000, a.uploaded());
            assertEquals(6000, a.downloaded());
            assertEquals(6000, a.downloadedFreeleech());
            assertTrue(r.torrent(H1).freeleech());
            assertFalse(Files.exists(dir.resolve(Journal.FILE + ".tmp")));
        }
    }

    @Test
    void boundsAndBadNamesAreClearErrors() {
        try (Registry r = open(2)) {
            r.addUser("a", true, true);
            assertEquals(RegistryException.Kind.CONFLICT, assertThrows(RegistryException.class, () -> r.addUser("a", true, true)).kind());
            assertEquals(RegistryException.Kind.INVALID, assertThrows(RegistryException.class, () -> r.addUser("a b", true, true)).kind());
            assertEquals(RegistryException.Kind.INVALID, assertThrows(RegistryException.class, () -> r.addUser("", true, true)).kind());
            r.addUser("b", true, true);
            assertEquals(RegistryException.Kind.FULL, assertThrows(RegistryException.class, () -> r.addUser("c", true, true)).kind());
            assertEquals(RegistryException.Kind.NOT_FOUND, assertThrows(RegistryException.class, () -> r.updateUser("x", true, true)).kind());
            assertEquals(RegistryException.Kind.NOT_FOUND, assertThrows(RegistryException.class, () -> r.removeTorrent(H1)).kind());
        }
    }

    @Test
    void thePasskeyIsNotInToString() {
        try (Registry r = open()) {
            User u = r.addUser("alice", true, true);
            assertFalse(u.toString().contains(u.passkey()));
        }
    }
}
