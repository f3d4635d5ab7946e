package dev.swarm.tracker.abuse;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.InvalidIdPolicy;
import dev.swarm.tracker.metrics.Metrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time-limited bans on answering invalid UDP connection IDs: {@code ban-after-invalid-ids} invalid IDs from one
 * address within {@code ban-window} ban it for {@code ban-duration}, during which its requests with an invalid
 * connection ID are dropped unanswered. Off by default.
 *
 * <p>Threat model: UDP source addresses can be forged, so anyone can run up a victim's count. A ban therefore
 * covers only what a forger can send too, requests with an invalid ID; the victim's connects, and its requests with
 * the valid IDs those connects return, are never looked up here and are served as usual. What a ban saves is the
 * error packets (each no larger than its request) that a flood of forged IDs would otherwise reflect to the address
 * in the source field; what it costs is that a client of a banned address whose ID is no longer accepted gets silence
 * instead of an error, and waits out its retry timeout (BEP 15: 15 s, doubling) before it tries again.
 *
 * <p>State lives in a fixed table ({@code limits.tracked-addresses} slots). A slot with an active ban is not taken
 * over by another address, so a flood from many addresses cannot wash bans out; the newcomer is then not tracked
 * (and answered). Expiry is by the time passed in (the injected clock); nothing is swept.
 */
public final class InvalidIdBans extends AddressTable implements InvalidIdPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(InvalidIdBans.class);

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
        if (cfg.banAfterInvalidIds() < 1) {
            throw new IllegalArgumentException("ban-after-invalid-ids must be at least 1 when bans are on");
        }
        this.threshold = cfg.banAfterInvalidIds();
        this.windowMillis = cfg.banWindow().toMillis();
        this.banMillis = cfg.banDuration().toMillis();
        this.strikes = new int[size()];
        this.windowStart = new long[size()];
        this.bannedUntil = new long[size()];
        this.bans = metrics.counter("abuse.bans");
        metrics.gauge("abuse.banned_addresses", () -> activeBans(clock.millis()));
    }

    /** Whether invalid connection IDs from {@code address} (4 or 16 bytes) go unanswered at {@code nowMillis}. */
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
     * @return false when the address is banned, including when this one got it banned
     */
    @Override
    public boolean answer(byte[] address, long nowMillis) {
        long hi = hi(address);
        long lo = lo(address);
        int slot = slotOf(hi, lo);
        synchronized (lockFor(slot)) {
            int c = claim(slot, hi, lo, nowMillis);
            if (c < 0) {
                return true;
            }
            if (c == 0) {
                bannedUntil[slot] = 0;
            } else if (bannedUntil[slot] > nowMillis) {
                return false;
            }
            if (c == 0 || nowMillis - windowStart[slot] > windowMillis) {
                windowStart[slot] = nowMillis;
                strikes[slot] = 0;
            }
            strikes[slot]++;
            if (strikes[slot] < threshold) {
                return true;
            }
            strikes[slot] = 0;
            bannedUntil[slot] = nowMillis + banMillis;
        }
        bans.inc();
        // DEBUG, not WARN: forged sources could otherwise write a log line per ban-after-invalid-ids packets.
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} sent {} invalid UDP connection IDs within {} ms: its invalid IDs go unanswered for {} ms",
                    text(address), threshold, windowMillis, banMillis);
        }
        return false;
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "an address of " + address.length + " bytes";
        }
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
