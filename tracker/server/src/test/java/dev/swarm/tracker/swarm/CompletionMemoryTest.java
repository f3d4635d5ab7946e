package dev.swarm.tracker.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import org.junit.jupiter.api.Test;

/** The bounded memory of counted completions behind "downloads counted once" (issue 11 item 6). */
class CompletionMemoryTest {

    @Test
    void tenThousandCompletionsAreAllRemembered() {
        CompletionMemory m = new CompletionMemory();
        AnnounceOp op = new AnnounceOp();
        for (int i = 0; i < 10_000; i++) {
            m.remember(m.fingerprint(Peers.fill(op, i % 100, i % 2 == 0 ? Family.V4 : Family.V6, i, AnnounceEvent.COMPLETED,
                    true, 0)));
        }
        int remembered = 0;
        for (int i = 0; i < 10_000; i++) {
            remembered += m.counted(m.fingerprint(Peers.fill(op, i % 100, i % 2 == 0 ? Family.V4 : Family.V6, i,
                    AnnounceEvent.COMPLETED, true, 0))) ? 1 : 0;
        }
        assertEquals(10_000, remembered, "sets of 4 in 2^18 sets do not overflow at 10,000 (direct-mapped lost ~48)");
        assertFalse(m.counted(m.fingerprint(Peers.fill(op, 5, Family.V4, 10_001, AnnounceEvent.COMPLETED, true, 0))));
    }

    @Test
    void theFingerprintDependsOnFamilyTorrentAddressAndPort() {
        CompletionMemory m = new CompletionMemory();
        long base = m.fingerprint(Peers.fill(new AnnounceOp(), 1, Family.V4, 1, AnnounceEvent.COMPLETED, true, 0));
        assertEquals(base, m.fingerprint(Peers.fill(new AnnounceOp(), 1, Family.V4, 1, AnnounceEvent.NONE, false, 9)),
                "event, seeder and numwant play no part");
        assertNotEquals(base, m.fingerprint(Peers.fill(new AnnounceOp(), 2, Family.V4, 1, AnnounceEvent.COMPLETED, true, 0)));
        assertNotEquals(base, m.fingerprint(Peers.fill(new AnnounceOp(), 1, Family.V6, 1, AnnounceEvent.COMPLETED, true, 0)));
        assertNotEquals(base, m.fingerprint(Peers.fill(new AnnounceOp(), 1, Family.V4, 2, AnnounceEvent.COMPLETED, true, 0)));
        AnnounceOp otherPort = Peers.fill(new AnnounceOp(), 1, Family.V4, 1, AnnounceEvent.COMPLETED, true, 0);
        otherPort.peer[5] ^= 1;
        assertNotEquals(base, m.fingerprint(otherPort));
        assertNotEquals(base, new CompletionMemory().fingerprint(Peers.fill(new AnnounceOp(), 1, Family.V4, 1,
                AnnounceEvent.COMPLETED, true, 0)), "keyed per instance");
    }

    @Test
    void aFullSetForgetsOneEntryAndTheMemoryNeverGrows() {
        CompletionMemory one = new CompletionMemory(CompletionMemory.WAYS); // a single set
        for (long fp = 1; fp <= 5; fp++) {
            one.remember(fp << 40);
        }
        int kept = 0;
        for (long fp = 1; fp <= 5; fp++) {
            kept += one.counted(fp << 40) ? 1 : 0;
        }
        assertEquals(CompletionMemory.WAYS, kept);
        assertTrue(one.counted(5L << 40), "the newest is always kept");
    }
}
