package dev.swarm.tracker.abuse;

import dev.swarm.tracker.logic.FullScrapePolicy;
import java.time.Duration;

/**
 * One full scrape per client address per {@code scrape.full.min-interval}: a full scrape walks the whole store and
 * sends every torrent, so it is rationed per address. State lives in a fixed table ({@code limits.tracked-addresses}
 * slots); a slot is taken over by another address only once its owner's interval has passed, so colliding addresses
 * are limited together rather than let through. Time is passed in.
 */
public final class FullScrapeLimit extends AddressTable implements FullScrapePolicy {
    private final long intervalMillis;
    private final long[] lastMillis;

    /** @param slots a power of two */
    public FullScrapeLimit(int slots, Duration minInterval) {
        super(slots);
        this.intervalMillis = minInterval.toMillis();
        this.lastMillis = new long[size()];
    }

    /**
     * Takes the address's full scrape for this interval, if it is free.
     *
     * @param address 4 or 16 bytes
     * @return 0 if the full scrape may go ahead (and is now counted), else the milliseconds until it may
     */
    @Override
    public long acquire(byte[] address, long nowMillis) {
        if (intervalMillis == 0) {
            return 0;
        }
        long hi = hi(address);
        long lo = lo(address);
        int slot = slotOf(hi, lo);
        synchronized (lockFor(slot)) {
            int claimed = claim(slot, hi, lo, nowMillis);
            if (claimed == 1 && nowMillis - lastMillis[slot] < intervalMillis) {
                return Math.max(1, lastMillis[slot] + intervalMillis - nowMillis);
            }
            if (claimed == -1) {
                return Math.max(1, lastMillis[slot] + intervalMillis - nowMillis);
            }
            lastMillis[slot] = nowMillis;
            return 0;
        }
    }

    @Override
    boolean evictable(int slot, long nowMillis) {
        return nowMillis - lastMillis[slot] >= intervalMillis;
    }
}
