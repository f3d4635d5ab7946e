package dev.swarm.peerbridge.dht;

import dev.swarm.peerbridge.dht.krpc.NodeIds;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kademlia routing table (BEP 5): one bucket of at most K nodes per length of the id prefix shared
 * with our own id (0..159), so it holds many nodes near us and few far away, and at most
 * {@code maxNodes} in all. Only nodes that answered one of our queries are added (verified); a node
 * that stops answering is replaced by a new one once it failed twice. Owned by one thread.
 */
final class RoutingTable {
    /** Failures after which a node gives its place to a new one. */
    static final int STALE_FAILURES = 2;

    /** One node: where, its id, when it last answered, how often it failed since. */
    static final class Entry {
        final NodeInfo node;
        long lastSeen;
        int failures;

        Entry(NodeInfo node, long lastSeen) {
            this.node = node;
            this.lastSeen = lastSeen;
        }
    }

    private final byte[] ownId;
    private final int k;
    private final int maxNodes;
    private final List<List<Entry>> buckets = new ArrayList<>();
    private final Map<InetSocketAddress, Entry> byAddress = new HashMap<>();

    RoutingTable(byte[] ownId, int k, int maxNodes) {
        this.ownId = ownId.clone();
        this.k = k;
        this.maxNodes = maxNodes;
        for (int i = 0; i < NodeIds.LENGTH * 8; i++) {
            buckets.add(new ArrayList<>(0));
        }
    }

    private List<Entry> bucket(byte[] id) {
        return buckets.get(Math.min(NodeIds.commonPrefixBits(ownId, id), buckets.size() - 1));
    }

    /**
     * A node answered us: refresh it, or add it if its bucket has room (or holds a stale node).
     *
     * @return whether the node is in the table afterwards
     */
    boolean seen(NodeInfo node, long now) {
        byte[] id = node.id();
        if (NodeIds.same(id, ownId)) {
            return false;
        }
        Entry e = byAddress.get(node.address());
        if (e != null) {
            if (NodeIds.same(e.node.id(), id)) {
                e.lastSeen = now;
                e.failures = 0;
                return true;
            }
            remove(e); // same address, new id: the node restarted
        }
        List<Entry> b = bucket(id);
        if (b.size() >= k || byAddress.size() >= maxNodes) {
            Entry stale = b.stream().filter(x -> x.failures >= STALE_FAILURES)
                    .max(Comparator.comparingInt((Entry x) -> x.failures)).orElse(null);
            if (stale == null) {
                return false;
            }
            remove(stale);
        }
        Entry added = new Entry(node, now);
        b.add(added);
        byAddress.put(node.address(), added);
        return true;
    }

    /** A query to {@code address} timed out. */
    void failed(InetSocketAddress address) {
        Entry e = byAddress.get(address);
        if (e != null) {
            e.failures++;
        }
    }

    /** Removes the node at {@code address} (e.g. it said it is read-only). */
    void remove(InetSocketAddress address) {
        Entry e = byAddress.get(address);
        if (e != null) {
            remove(e);
        }
    }

    private void remove(Entry e) {
        bucket(e.node.id()).remove(e);
        byAddress.remove(e.node.address());
    }

    boolean contains(InetSocketAddress address) {
        return byAddress.containsKey(address);
    }

    /** Whether the bucket {@code id} falls into has room (or a stale node) for it. */
    boolean wouldAdd(byte[] id) {
        List<Entry> b = bucket(id);
        return !NodeIds.same(id, ownId) && (b.size() < k && byAddress.size() < maxNodes
                || b.stream().anyMatch(x -> x.failures >= STALE_FAILURES));
    }

    /** The {@code n} nodes closest to {@code target} by XOR distance, those that failed least first among equals. */
    List<NodeInfo> closest(byte[] target, int n) {
        return byAddress.values().stream()
                .sorted(Comparator.<Entry, byte[]>comparing(e -> e.node.id(), (a, b) -> NodeIds.compareDistance(target, a, b)))
                .limit(n).map(e -> e.node).toList();
    }

    /** Every node (for saving). */
    List<NodeInfo> all() {
        return byAddress.values().stream().map(e -> e.node).toList();
    }

    /** Nodes whose last answer is older than {@code before}, oldest first (candidates for a ping). */
    List<NodeInfo> staleSince(long before, int n) {
        return byAddress.values().stream().filter(e -> e.lastSeen < before)
                .sorted(Comparator.comparingLong((Entry e) -> e.lastSeen)).limit(n).map(e -> e.node).toList();
    }

    int size() {
        return byAddress.size();
    }

    byte[] ownId() {
        return ownId.clone();
    }
}
