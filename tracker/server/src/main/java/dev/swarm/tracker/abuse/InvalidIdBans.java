package dev.swarm.tracker.abuse;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.time.InstantSource;

/**
 * Time-limited bans of UDP source addresses that send many invalid connection IDs: {@code ban-after-invalid-ids}
 * within {@code ban-window} bans the address for {@code ban-duration}, during which the UDP frontend drops
 * everything from it unanswered. Expiry is by the clock passed in (the injected clock), nothing is swept.
 *
 * <p>State lives in a fixed table ({@code limits.tracked-addresses} slots). A slot with an active ban is not
 * taken over by another address, so a flood from many addresses cannot wash bans out; the newcomer is then not
 * tracked. UDP source addresses can be forged: someone can get a victim's address banned from UDP for
 * {@code ban-duration}, which is why the threshold should be high and the duration short; HTTP is not affected.
 */
public final class InvalidIdBans extends AddressTable {
    private final int threshold;
    private final long windowMillis;
    private final long banMillis;
    private final int[] strikes;
    private final long[] windowStart;
    private final long[] bannedUntil;
    private final Metrics.Counter bans;

    /** @param clock read only for the {@code abuse.banned_addresses} gauge; requests pass their own time */
    public InvalidIdBans(TrackerConfig.Limits cfg, InstantSource clock, Metrics metrics) {
        super(cfg.trackedAddresses());
        this.threshold = cfg.banAfterInvalidIds();
        this.windowMillis = cfg.banWindow().toMillis();
        this.banMillis = cfg.banDuration().toMillis();
        this.strikes = new int[size()];
        this.windowStart = new long[size()];
        this.bannedUntil = new long[size()];
        this.bans = metrics.counter("abuse.bans");
        metrics.gauge("abuse.banned_addresses", () -> activeBans(clock.millis()));
    }

    /** Whether packets from {@code address} (4 or 16 bytes) are to be dropped at {@code nowMillis}. */
    public boolean isBanned(byte[] address, long nowMillis) {
        long hi = hi(address);
        long lo = lo(address);
        int slot = slotOf(hi, lo);
        synchronized (lockFor(slot)) {
            return owns(slot, hi, lo) && bannedUntil[slot] > nowMillis;
        }
    }

    /**
     * Counts one invalid connection ID from {@code address}.
     *
     * @return true if this one got the address banned
     */
    public boolean invalidId(byte[] address, long nowMillis) {
        long hi = hi(address);
        long lo = lo(address);
        int slot = slotOf(hi, lo);
        synchronized (lockFor(slot)) {
            int c = claim(slot, hi, lo, nowMillis);
            if (c < 0) {
                return false;
            }
            if (c == 0 || nowMillis - windowStart[slot] > windowMillis) {
                windowStart[slot] = nowMillis;
                strikes[slot] = 0;
                if (c == 0) {
                    bannedUntil[slot] = 0;
                }
            }
            strikes[slot]++;
            if (strikes[slot] < threshold) {
                return false;
            }
            strikes[slot] = 0;
            bannedUntil[slot] = nowMillis + banMillis;
        }
        bans.inc();
        return true;
    }

    /** Addresses banned at {@code nowMillis} (walks the table: for metrics only). */
    public int activeBans(long nowMillis) {
        int n = 0;
        for (int slot = 0; slot < size(); slot++) {
            synchronized (lockFor(slot)) {
                if (used(slot) && bannedUntil[slot] > nowMillis) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    boolean evictable(int slot, long nowMillis) {
        return bannedUntil[slot] <= nowMillis;
    }
}
