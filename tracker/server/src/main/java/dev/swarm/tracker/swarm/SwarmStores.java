package dev.swarm.tracker.swarm;

/** Opens the store selected by a {@link SwarmStoreConfig}. */
public final class SwarmStores {
    private SwarmStores() {
    }

    /**
     * The off-heap store persisted in {@code config.dataDir()}, or the on-heap store when it is null.
     *
     * @throws StoreOpenException if the data directory cannot be used (see {@link OffHeapSwarmStore#open})
     */
    public static SwarmStore open(SwarmStoreConfig config) {
        return config.dataDir() == null ? new HeapSwarmStore(config) : OffHeapSwarmStore.open(config);
    }
}
