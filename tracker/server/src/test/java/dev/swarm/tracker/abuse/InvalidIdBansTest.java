package dev.swarm.tracker.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import dev.swarm.tracker.metrics.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded ban table, on a hand-moved clock: a ban stops answers to invalid IDs, expires by the clock, survives floods
 * from other addresses; IPv4 keys are mapped.
 */
class InvalidIdBansTest {
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    private InvalidIdBans bans(int threshold, int slots) {
        return new InvalidIdBans(new TrackerConfig.Limits(0, 1, threshold, Duration.ofMinutes(1), Duration.ofMinutes(10), slots),
                clock, Metrics.NOOP);
    }

    private static byte[] v4(int i) {
        return new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
    }

    @Test
    void aBanHoldsAgainstAFloodFromOtherAddressesAndExpires() {
        InvalidIdBans b = bans(2, 16);
        byte[] bad = v4(0);
        assertTrue(b.answer(bad, clock.millis()), "the first invalid ID is answered");
        assertFalse(b.answer(bad, clock.millis()), "the second bans: not answered");
        for (int i = 1; i < 5000; i++) {
            b.answer(v4(i), clock.millis());
        }
        assertTrue(b.isBanned(bad, clock.millis()), "16 slots, 5000 addresses: the active ban was not washed out");
        assertTrue(b.activeBans(clock.millis()) <= 16, "bounded by the table");
        clock.advance(10 * 60_000);
        assertFalse(b.isBanned(bad, clock.millis()), "expired exactly at the ban's end");
        assertTrue(b.answer(bad, clock.millis()), "answered again after the ban");
    }

    @Test
    void aBannedAddressIsNotCountedFurtherAndCountsAfreshAfterTheBan() {
        InvalidIdBans b = bans(3, 1024);
        byte[] a = v4(1);
        assertTrue(b.answer(a, clock.millis()));
        assertTrue(b.answer(a, clock.millis()));
        assertFalse(b.answer(a, clock.millis()), "the third bans");
        for (int i = 0; i < 100; i++) {
            assertFalse(b.answer(a, clock.millis()), "banned");
        }
        assertEquals(1, b.activeBans(clock.millis()));
        clock.advance(10 * 60_000);
        assertTrue(b.answer(a, clock.millis()), "the ban is over and its strikes were not carried into it");
        assertTrue(b.answer(a, clock.millis()));
        assertFalse(b.answer(a, clock.millis()), "three more ban again");
        assertTrue(b.answer(v4(2), clock.millis()), "another address has its own count");
    }

    @Test
    void bansNeedAThreshold() {
        assertThrows(IllegalArgumentException.class, () -> bans(0, 16));
    }

    @Test
    void ipv4AndItsMappedFormAreOneAddress() {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 7;
        assertEquals(AddressTable.hi(v4(7)), AddressTable.hi(mapped));
        assertEquals(AddressTable.lo(v4(7)), AddressTable.lo(mapped));
        byte[] v6 = mapped.clone();
        v6[0] = 0x20;
        assertFalse(AddressTable.hi(v6) == AddressTable.hi(v4(7)));
    }
}
