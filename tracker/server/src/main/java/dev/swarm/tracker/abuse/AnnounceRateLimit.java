package dev.swarm.tracker.abuse;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.metrics.Metrics;
import java.time.InstantSource;

/**
 * Per-address announce rate limit, a token bucket per client address ({@link AnnounceContext#clientAddress}: the
 * connection's address, or the one a trusted proxy forwarded), HTTP and UDP together. A bucket holds up to
 * {@code announce-burst} tokens and refills at {@code announces-per-minute}; an announce takes one token or is
 * refused. State lives in a fixed table ({@code limits.tracked-addresses} slots); an address whose slot another
 * address takes over starts again with a full bucket. Time comes from the injected clock.
 */
public final class AnnounceRateLimit extends AddressTable implements AnnouncePolicy {
    static final String REFUSED = "too many announces from your address; slow down";

    private final double tokensPerMilli;
    private final double burst;
    private final InstantSource clock;
    private final double[] tokens;
    private final long[] lastMillis;
    private final Metrics.Counter limited;

    public AnnounceRateLimit(TrackerConfig.Limits cfg, InstantSource clock, Metrics metrics) {
        super(cfg.trackedAddresses());
        this.tokensPerMilli = cfg.announcesPerMinute() / 60_000.0;
        this.burst = cfg.announceBurst();
        this.clock = clock;
        this.tokens = new double[size()];
        this.lastMillis = new long[size()];
        this.limited = metrics.counter("abuse.announce_rate_limited");
    }

    @Override
    public String check(AnnounceContext ctx) {
        byte[] a = ctx.clientAddress;
        if (a == null) {
            return null;
        }
        long hi = hi(a);
        long lo = lo(a);
        int slot = slotOf(hi, lo);
        long now = clock.millis();
        synchronized (lockFor(slot)) {
            if (claim(slot, hi, lo, now) == 0) {
                tokens[slot] = burst;
                lastMillis[slot] = now;
            }
            long elapsed = Math.max(0, now - lastMillis[slot]);
            tokens[slot] = Math.min(burst, tokens[slot] + elapsed * tokensPerMilli);
            lastMillis[slot] = Math.max(lastMillis[slot], now);
            if (tokens[slot] >= 1) {
                tokens[slot] -= 1;
                return null;
            }
        }
        limited.inc();
        return REFUSED;
    }

    @Override
    boolean evictable(int slot, long nowMillis) {
        return true;
    }
}
