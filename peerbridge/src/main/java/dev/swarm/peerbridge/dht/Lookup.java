package dev.swarm.peerbridge.dht;

import dev.swarm.peerbridge.dht.krpc.NodeIds;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One iterative Kademlia lookup (BEP 5 {@code get_peers}, or {@code find_node} to fill the table):
 * keeps the candidates closest to the target, asks up to {@code alpha} of them at a time, closest
 * first, learns closer nodes from each answer, and is done when the {@code k} closest candidates that
 * did not fail have all answered, or after {@code maxQueries} queries. Pure state: the node sends the
 * queries and reports answers and timeouts.
 */
final class Lookup {
    enum State { NEW, ASKED, ANSWERED, FAILED }

    /** One candidate node. */
    static final class Candidate {
        final NodeInfo node;
        State state = State.NEW;
        byte[] token;

        Candidate(NodeInfo node) {
            this.node = node;
        }
    }

    /** Candidates beyond this many (the farthest) are forgotten. */
    static final int MAX_CANDIDATES = 64;

    private final byte[] target;
    private final boolean getPeers;
    private final int alpha;
    private final int k;
    private final int maxQueries;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Set<InetSocketAddress> peers = new LinkedHashSet<>();
    private int inFlight;
    private int queries;

    Lookup(byte[] target, boolean getPeers, int alpha, int k, int maxQueries, List<NodeInfo> start) {
        this.target = target.clone();
        this.getPeers = getPeers;
        this.alpha = alpha;
        this.k = k;
        this.maxQueries = maxQueries;
        start.forEach(this::offer);
    }

    byte[] target() {
        return target.clone();
    }

    boolean getPeers() {
        return getPeers;
    }

    /** Adds a node learned from an answer, unless known or farther than all kept candidates of a full list. */
    void offer(NodeInfo n) {
        for (Candidate c : candidates) {
            if (c.node.address().equals(n.address())) {
                return;
            }
        }
        Candidate c = new Candidate(n);
        candidates.add(c);
        candidates.sort(Comparator.comparing((Candidate x) -> x.node.id(), (a, b) -> NodeIds.compareDistance(target, a, b)));
        while (candidates.size() > MAX_CANDIDATES) {
            Candidate last = candidates.get(candidates.size() - 1);
            if (last.state == State.ASKED) {
                break; // keep it until it answers or times out
            }
            candidates.remove(candidates.size() - 1);
        }
    }

    /** The nodes to ask now (at most alpha in flight); they are marked asked. */
    List<NodeInfo> next() {
        List<NodeInfo> out = new ArrayList<>();
        int considered = 0;
        for (Candidate c : candidates) {
            if (inFlight >= alpha || queries >= maxQueries) {
                break;
            }
            if (c.state == State.FAILED) {
                continue;
            }
            if (++considered > k) {
                break; // only the k closest live candidates are worth asking
            }
            if (c.state == State.NEW) {
                c.state = State.ASKED;
                inFlight++;
                queries++;
                out.add(c.node);
            }
        }
        return out;
    }

    /** An answer from {@code from}: its closer nodes, its peers, its token. */
    void answered(InetSocketAddress from, List<NodeInfo> closer, List<InetSocketAddress> values, byte[] token) {
        Candidate c = find(from);
        if (c == null || c.state != State.ASKED) {
            return;
        }
        c.state = State.ANSWERED;
        c.token = token;
        inFlight--;
        peers.addAll(values);
        closer.forEach(this::offer);
    }

    /** {@code from} timed out or answered with an error. */
    void failed(InetSocketAddress from) {
        Candidate c = find(from);
        if (c != null && c.state == State.ASKED) {
            c.state = State.FAILED;
            inFlight--;
        }
    }

    private Candidate find(InetSocketAddress a) {
        for (Candidate c : candidates) {
            if (c.node.address().equals(a)) {
                return c;
            }
        }
        return null;
    }

    /** Done: nothing in flight and nothing left worth asking. */
    boolean done() {
        if (inFlight > 0) {
            return false;
        }
        if (queries >= maxQueries) {
            return true;
        }
        int considered = 0;
        for (Candidate c : candidates) {
            if (c.state == State.FAILED) {
                continue;
            }
            if (++considered > k) {
                break;
            }
            if (c.state == State.NEW) {
                return false;
            }
        }
        return true;
    }

    /** Peers found so far. */
    Set<InetSocketAddress> peers() {
        return peers;
    }

    /** The k closest nodes that answered with a token (where to announce). */
    List<Candidate> closestWithTokens() {
        return candidates.stream().filter(c -> c.state == State.ANSWERED && c.token != null).limit(k).toList();
    }

    int queries() {
        return queries;
    }

    int inFlight() {
        return inFlight;
    }
}
