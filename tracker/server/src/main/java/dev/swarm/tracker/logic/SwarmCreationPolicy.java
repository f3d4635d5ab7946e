package dev.swarm.tracker.logic;

/**
 * Whether an announce may create a new swarm, by client address: the per-address cap on new swarms. The logic asks
 * {@link #mayCreate} before the store and reports {@link #created} after it, so that only announces that really
 * create a swarm are counted.
 */
public interface SwarmCreationPolicy {
    /** No cap. */
    SwarmCreationPolicy UNLIMITED = new SwarmCreationPolicy() {
        @Override
        public boolean mayCreate(byte[] clientAddress, long nowMillis) {
            return true;
        }

        @Override
        public void created(byte[] clientAddress, long nowMillis) {
        }
    };

    /** Whether an announce from {@code clientAddress} (4 or 16 bytes) may create a swarm now. */
    boolean mayCreate(byte[] clientAddress, long nowMillis);

    /** An announce from {@code clientAddress} created a swarm. */
    void created(byte[] clientAddress, long nowMillis);
}
