package dev.swarm.tracker.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte deltas between announces of one peer session, resets, seeding time, completions, bounds. */
class AccountingTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long TIMEOUT = 45 * 60_000L;
    private static final byte[] H = "accounting-test-hash".getBytes(StandardCharsets.ISO_8859_1);
    private static final InfoHash IH = InfoHash.of(H);
    private static final byte[] P1 = "-TT0001-000000000001".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] P2 = "-TT0001-000000000002".getBytes(StandardCharsets.ISO_8859_1);

    private final Accounting acc = new Accounting(1000, 1000, 1000, TIMEOUT);
    private long now = T0;

    private Accounting.Result announce(byte[] peer, long up, long down, long left, AnnounceEvent ev) {
        return acc.record("alice", H, peer, up, down, left, ev, false, now);
    }

    private AccountView alice() {
        return acc.account("alice", IH);
    }

    @Test
    void deltasBetweenAnnouncesOfOneSessionAreSummed() {
        assertEquals(Accounting.Result.COUNTED, announce(P1, 0, 0, 100, AnnounceEvent.STARTED));
        announce(P1, 10, 30, 70, AnnounceEvent.NONE);
        announce(P1, 25, 100, 0, AnnounceEvent.COMPLETED);
        announce(P1, 40, 100, 0, AnnounceEvent.STOPPED);
        assertEquals(40, alice().uploaded());
        assertEquals(100, alice().downloaded());
        assertEquals(1, alice().completed());
        assertEquals(0, acc.sessionCount(), "stopped ends the session");
    }

    @Test
    void twoSessionsOfOneUserAddUp() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P2, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P1, 10, 20, 80, AnnounceEvent.NONE);
        announce(P2, 5, 7, 93, AnnounceEvent.NONE);
        assertEquals(15, alice().uploaded());
        assertEquals(27, alice().downloaded());
    }

    @Test
    void aClientRestartWithStartedCountsTheNewValuesFromZero() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P1, 500, 50, 50, AnnounceEvent.NONE);
        // Same peer_id, restarted: counters from 0 again; it already moved 30 and 5 bytes before this announce.
        announce(P1, 30, 5, 45, AnnounceEvent.STARTED);
        announce(P1, 60, 15, 35, AnnounceEvent.NONE);
        assertEquals(560, alice().uploaded(), "500 before the restart + 60 after, nothing lost or doubled");
        assertEquals(65, alice().downloaded());
    }

    @Test
    void countersGoingDownWithoutStartedAreAReset() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P1, 500, 80, 20, AnnounceEvent.NONE);
        announce(P1, 100, 90, 10, AnnounceEvent.NONE); // uploaded went down: the client reset its counters
        announce(P1, 150, 95, 5, AnnounceEvent.NONE);
        assertEquals(650, alice().uploaded(), "500 + 100 (from 0) + 50");
        assertEquals(175, alice().downloaded(), "a reset counts both counters from 0: 80 + 90 + 5");
    }

    @Test
    void aSessionFirstSeenWithoutStartedOnlySetsTheBaseline() {
        assertEquals(Accounting.Result.BASELINE, announce(P1, 1_000_000, 1_000, 0, AnnounceEvent.NONE));
        assertEquals(0, alice().uploaded(), "bytes of unknown history are not credited");
        announce(P1, 1_000_500, 1_000, 0, AnnounceEvent.NONE);
        assertEquals(500, alice().uploaded());
        assertEquals(Accounting.Result.BASELINE, announce(P2, 9, 9, 0, AnnounceEvent.STOPPED));
        assertEquals(1, acc.sessionCount(), "an unknown stopped leaves nothing behind");
    }

    @Test
    void negativeCountersCountAsZeroAndSumsSaturate() {
        announce(P1, -5, -5, 0, AnnounceEvent.STARTED);
        assertEquals(0, alice().uploaded());
        announce(P1, Long.MAX_VALUE, 0, 0, AnnounceEvent.NONE);
        announce(P1, 1, 0, 0, AnnounceEvent.STARTED);
        assertEquals(Long.MAX_VALUE, alice().uploaded());
    }

    @Test
    void seedingTimeIsTheTimeBetweenAnnouncesWhileSeeding() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        now += 60_000;
        announce(P1, 0, 100, 0, AnnounceEvent.COMPLETED); // was leeching during this minute
        now += 30 * 60_000;
        announce(P1, 0, 100, 0, AnnounceEvent.NONE);
        now += TIMEOUT + 1000; // the peer had been dropped by then: this gap is not seeding
        announce(P1, 0, 100, 0, AnnounceEvent.NONE);
        now += 10_000;
        announce(P1, 0, 100, 0, AnnounceEvent.STOPPED);
        assertEquals(30 * 60 + 10, alice().seedingSeconds());
    }

    @Test
    void completedCountsOncePerSession() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P1, 0, 100, 0, AnnounceEvent.COMPLETED);
        announce(P1, 0, 100, 0, AnnounceEvent.COMPLETED);
        assertEquals(1, alice().completed());
        announce(P2, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P2, 0, 100, 0, AnnounceEvent.COMPLETED);
        assertEquals(2, alice().completed());
    }

    /** Issue 11 item 6: {@code completed} then {@code stopped}, repeated by one peer, counted a download each time. */
    @Test
    void completedAlternatingWithStoppedCountsOnce() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        announce(P1, 0, 100, 0, AnnounceEvent.COMPLETED);
        for (int i = 0; i < 100; i++) {
            announce(P1, 0, 100, 0, AnnounceEvent.STOPPED);
            announce(P1, 0, 100, 0, AnnounceEvent.COMPLETED);
        }
        assertEquals(1, alice().completed());
    }

    /** Issue 11 item 4: one passkey announcing with ever new peer_ids took every session of the tracker. */
    @Test
    void aUserHoldsAtMostItsShareOfSessions() {
        Accounting capped = new Accounting(1000, 1000, 3, TIMEOUT);
        for (int i = 0; i < 5; i++) {
            byte[] peer = ("-TT0001-00000000010" + i).getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(i < 3 ? Accounting.Result.COUNTED : Accounting.Result.USER_LIMIT,
                    capped.record("mallory", H, peer, 0, 0, 100, AnnounceEvent.STARTED, false, now), "session " + i);
        }
        assertEquals(3, capped.sessionCount("mallory"));
        assertEquals(Accounting.Result.COUNTED, capped.record("alice", H, P1, 0, 0, 100, AnnounceEvent.STARTED, false, now),
                "another user is not limited by mallory's sessions");
        byte[] first = "-TT0001-000000000100".getBytes(StandardCharsets.ISO_8859_1);
        capped.record("mallory", H, first, 0, 0, 100, AnnounceEvent.STOPPED, false, now);
        assertEquals(2, capped.sessionCount("mallory"), "a stopped session gives its place back");
        assertEquals(Accounting.Result.COUNTED, capped.record("mallory", H, P2, 0, 0, 100, AnnounceEvent.STARTED, false, now));
        assertEquals(4, capped.expire(now + TIMEOUT + 1), "three of mallory, one of alice");
        assertEquals(0, capped.sessionCount("mallory"), "expired sessions give their places back");
    }

    @Test
    void freeleechDownloadsAreCountedApart() {
        acc.record("alice", H, P1, 0, 0, 100, AnnounceEvent.STARTED, false, now);
        acc.record("alice", H, P1, 0, 40, 60, AnnounceEvent.NONE, false, now);
        acc.record("alice", H, P1, 0, 100, 0, AnnounceEvent.NONE, true, now);
        assertEquals(100, alice().downloaded());
        assertEquals(60, alice().downloadedFreeleech());
    }

    @Test
    void fullTablesRecordNothing() {
        Accounting small = new Accounting(1, 1, 1, TIMEOUT);
        assertEquals(Accounting.Result.COUNTED, small.record("a", H, P1, 0, 0, 1, AnnounceEvent.STARTED, false, now));
        assertEquals(Accounting.Result.NO_ROOM, small.record("b", H, P1, 0, 0, 1, AnnounceEvent.STARTED, false, now));
        assertEquals(Accounting.Result.NO_ROOM, small.record("a", H, P2, 0, 0, 1, AnnounceEvent.STARTED, false, now));
        assertNull(small.account("b", IH));
    }

    @Test
    void idleSessionsExpire() {
        announce(P1, 0, 0, 100, AnnounceEvent.STARTED);
        assertEquals(0, acc.expire(now + TIMEOUT));
        assertEquals(1, acc.expire(now + TIMEOUT + 1));
        assertEquals(0, acc.sessionCount());
    }

    @Test
    void queriesFilterAndOrder() {
        acc.record("bob", H, P1, 0, 0, 1, AnnounceEvent.STARTED, false, now);
        acc.record("alice", H, P1, 0, 0, 1, AnnounceEvent.STARTED, false, now);
        assertEquals(List.of("alice", "bob"), acc.accounts(null, null, 10).stream().map(AccountView::user).toList());
        assertEquals(List.of("bob"), acc.accounts("bob", IH, 10).stream().map(AccountView::user).toList());
        assertEquals(1, acc.accounts(null, null, 1).size());
    }
}
