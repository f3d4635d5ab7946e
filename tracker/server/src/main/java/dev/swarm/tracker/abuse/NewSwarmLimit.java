package dev.swarm.tracker.abuse;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.SwarmCreationPolicy;

/**
 * The per-address cap on new swarms: a token bucket per client address of {@code limits.new-swarm-burst} swarms,
 * refilled at {@code limits.new-swarms-per-minute}; each swarm an address's announce creates takes a token, and an
 * address without one may still announce to existing swarms but not create one. So one address cannot fill
 * {@code store.max-swarms} and lock every new torrent out. State: {@link TokenBuckets}. Refusals are counted by the
 * logic ({@code announce.refused.new_swarm_limit}).
 */
public final class NewSwarmLimit implements SwarmCreationPolicy {
    private final TokenBuckets buckets;

    public NewSwarmLimit(TrackerConfig.Limits cfg) {
        this.buckets = new TokenBuckets(cfg.trackedAddresses(), cfg.newSwarmsPerMinute(), cfg.newSwarmBurst());
    }

    @Override
    public boolean mayCreate(byte[] clientAddress, long nowMillis) {
        return buckets.has(clientAddress, nowMillis);
    }

    @Override
    public void created(byte[] clientAddress, long nowMillis) {
        buckets.charge(clientAddress, nowMillis);
    }
}
