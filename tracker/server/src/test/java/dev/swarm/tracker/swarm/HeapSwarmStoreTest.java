package dev.swarm.tracker.swarm;

/** The contract, on the heap store. */
class HeapSwarmStoreTest extends SwarmStoreContract {

    @Override
    SwarmStore open(SwarmStoreConfig config) {
        return new HeapSwarmStore(config);
    }

    /** The cursor may be anywhere in its pass, so twice the slices cover everything. */
    @Override
    int sweepAll(SwarmStore store, long nowMillis) {
        int removed = 0;
        for (int i = 2 * store.expireSlices(); i > 0; i--) {
            removed += store.expireStep(nowMillis);
        }
        return removed;
    }
}
