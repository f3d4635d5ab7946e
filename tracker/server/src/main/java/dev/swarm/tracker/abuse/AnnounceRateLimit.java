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
 * refused. State lives in a fixed table ({@code limits.tracked-addresses} slots, see {@link TokenBuckets}). Time
 * comes from the injected clock.
 */
public final class AnnounceRateLimit implements AnnouncePolicy {
    static final String REFUSED = "too many announces from your address; slow down";

    private final TokenBuckets buckets;
    private final InstantSource clock;
    private final Metrics.Counter limited;

    public AnnounceRateLimit(TrackerConfig.Limits cfg, InstantSource clock, Metrics metrics) {
        this.buckets = new TokenBuckets(cfg.trackedAddresses(), cfg.announcesPerMinute(), cfg.announceBurst());
        this.clock = clock;
        this.limited = metrics.counter("abuse.announce_rate_limited");
    }

    @Override
    public String check(AnnounceContext ctx) {
        byte[] a = ctx.clientAddress;
        if (a == null || buckets.take(a, clock.millis())) {
            return null;
        }
        limited.inc();
        return REFUSED;
    }
}
