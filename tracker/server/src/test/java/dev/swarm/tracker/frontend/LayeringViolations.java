package dev.swarm.tracker.frontend;

import dev.swarm.tracker.abuse.InvalidIdBans;
import dev.swarm.tracker.swarm.StoreStats;
import dev.swarm.tracker.swarm.SwarmStore;

/** Frontend classes that break the layering, for {@code ServerRulesCanFailTest} only. */
public final class LayeringViolations {
    private LayeringViolations() {
    }

    /** Reads the store directly instead of through the logic. */
    public static final class ReadsTheStore {
        StoreStats stats(SwarmStore store) {
            return store.stats();
        }
    }

    /** Applies a ban itself instead of through the logic's chain. */
    public static final class BansByItself {
        boolean drop(InvalidIdBans bans, byte[] address, long now) {
            return bans.isBanned(address, now);
        }
    }
}
