package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.PeerId;

/**
 * Where a {@link Registry} shares its state with the other nodes of a cluster (private mode on several nodes). The
 * registry calls it; an adapter (the {@code cluster} package) implements it, so the registry, the logic and the
 * frontends never know what the shared system of record is. {@link #LOCAL}: a single node, nothing shared.
 */
public interface SharedRegistry {
    /** One accepted announce of a user, handed to the cluster's accounting (see {@link Accounting}). */
    record Observation(String user, InfoHash infoHash, PeerId peerId, long uploaded, long downloaded, long left,
                       AnnounceEvent event, boolean freeleech, long atMillis) {
    }

    /**
     * Makes an admin change (a journal record of type {@code user}, {@code user-removed}, {@code torrent} or
     * {@code torrent-removed}) the cluster's, before the registry applies it locally. Returns once the system of
     * record holds it; every node then applies it (see {@link Registry#applyShared}).
     *
     * @param create the change creates a user: refused when a user of that name exists anywhere in the cluster
     * @throws RegistryException CONFLICT for a {@code create} of an existing name, UNAVAILABLE when the system of
     *                           record cannot be reached in time (nothing changed)
     */
    void commit(ObjectNode change, boolean create);

    /** Queues one accounted announce for the cluster's accounting. Never blocks, never throws. */
    void observe(Observation o);

    /** A single node: changes are the node's own, accounting is local. */
    SharedRegistry LOCAL = new SharedRegistry() {
        @Override
        public void commit(ObjectNode change, boolean create) {
        }

        @Override
        public void observe(Observation o) {
        }
    };
}
