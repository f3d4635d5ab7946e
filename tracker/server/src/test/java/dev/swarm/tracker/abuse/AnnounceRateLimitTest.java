package dev.swarm.tracker.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The announce rate limit as a policy step, without sockets, on a hand-moved clock. */
@Timeout(30)
class AnnounceRateLimitTest {
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final DropwizardMetrics metrics = DropwizardMetrics.create();

    /** {@code perMinute} announces a minute, bursts of {@code burst}. */
    private AnnounceRateLimit limit(int perMinute, int burst) {
        return new AnnounceRateLimit(new TrackerConfig.Limits(perMinute, burst, 0, Duration.ofMinutes(1),
                Duration.ofMinutes(10), 1024), clock, metrics);
    }

    private static AnnounceContext from(byte[] address) {
        AnnounceContext c = new AnnounceContext();
        c.clientAddress = address;
        return c;
    }

    /** An announce from 10.0.0.{@code host}. */
    private static AnnounceContext from(int host) {
        return from(new byte[] {10, 0, 0, (byte) host});
    }

    @Test
    void aBurstPassesThenTheBucketRefillsAtTheRate() {
        AnnounceRateLimit l = limit(60, 3);
        AnnounceContext a = from(1);
        for (int i = 0; i < 3; i++) {
            assertNull(l.check(a), "announce " + i + " is within the burst");
        }
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a));
        clock.advance(999);
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a), "999 ms refill 0.999 of a token");
        clock.advance(1);
        assertNull(l.check(a), "one a second");
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a));
        assertEquals(3, metrics.counter("abuse.announce_rate_limited").count());
    }

    @Test
    void aLongPauseRefillsOnlyUpToTheBurst() {
        AnnounceRateLimit l = limit(60, 3);
        AnnounceContext a = from(1);
        for (int i = 0; i < 3; i++) {
            l.check(a);
        }
        clock.advance(Duration.ofHours(1).toMillis());
        for (int i = 0; i < 3; i++) {
            assertNull(l.check(a));
        }
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a), "an hour's pause buys the burst, not 3600 announces");
    }

    @Test
    void everyAddressHasItsOwnBucket() {
        AnnounceRateLimit l = limit(60, 1);
        AnnounceContext a = from(1);
        assertNull(l.check(a));
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a));
        assertNull(l.check(from(2)));
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        assertNull(l.check(from(v6)));
        assertEquals(AnnounceRateLimit.REFUSED, l.check(from(v6)));
    }

    @Test
    void aClockSteppingBackMintsNoTokens() {
        AnnounceRateLimit l = limit(60, 1);
        AnnounceContext a = from(1);
        assertNull(l.check(a));
        clock.advance(-Duration.ofMinutes(10).toMillis());
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a), "back in time");
        clock.advance(Duration.ofMinutes(10).toMillis() + 999);
        assertEquals(AnnounceRateLimit.REFUSED, l.check(a), "refill counts from the latest time seen");
        clock.advance(1);
        assertNull(l.check(a));
    }

    @Test
    void anAnnounceWithoutAClientAddressIsNotLimited() {
        AnnounceRateLimit l = limit(60, 1);
        for (int i = 0; i < 100; i++) {
            assertNull(l.check(new AnnounceContext()));
        }
    }
}
