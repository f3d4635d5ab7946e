package dev.swarm.tracker.frontend.udp;

/**
 * The secret keys of UDP connection IDs (16 bytes each), shared by every socket of the frontend: the current key
 * issues IDs, and IDs made with the current or the previous key are accepted, so a key can be replaced (rotated, or
 * taken from the nodes of a cluster) without refusing IDs issued shortly before. Thread-safe; a change is seen by the
 * next request of every worker.
 */
public final class ConnectionIdKeys {
    private volatile byte[][] pair;

    /** One key, used as both current and previous. */
    public ConnectionIdKeys(byte[] key16) {
        set(key16, key16);
    }

    /**
     * Replaces both keys.
     *
     * @throws IllegalArgumentException if a key is not 16 bytes
     */
    public void set(byte[] current, byte[] previous) {
        if (current.length != 16 || previous.length != 16) {
            throw new IllegalArgumentException("connection-ID keys must be 16 bytes");
        }
        pair = new byte[][] {current.clone(), previous.clone()};
    }

    /** {current, previous}; the same array until the next {@link #set}. */
    byte[][] pair() {
        return pair;
    }
}
