package dev.swarm.tracker.frontend.http;

/**
 * What the node says about itself beyond the store, for {@code /stats} and {@code /health}. The frontend does not
 * know what is behind it (alone: {@link #ALONE}; in a cluster: the replication state).
 */
public interface NodeStatus {
    /** Shown in {@code /stats} as {@code cluster} (a record, written as JSON); null leaves the field out. */
    Object stats();

    /** Whether a load balancer should send clients here ({@code /health} answers 200, else 503). */
    boolean healthy();

    /** A node that runs alone: no cluster section, always healthy while it serves. */
    NodeStatus ALONE = new NodeStatus() {
        @Override
        public Object stats() {
            return null;
        }

        @Override
        public boolean healthy() {
            return true;
        }
    };
}
