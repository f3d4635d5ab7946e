package dev.swarm.peerbridge.metadata;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches one torrent's info dictionary over BEP 9 from the peers that advertise
 * {@code metadata_size}. Pure state machine (no I/O, no clock of its own): the caller feeds it
 * peers, messages and ticks, and carries out the returned {@link Actions} (messages to send, peers
 * to drop). One peer at a time supplies the whole dictionary, with at most {@code maxOutstanding}
 * requests in flight, so a hash mismatch is pinned on exactly that peer: it is dropped and the
 * fetch starts over from the next candidate. A peer that rejects, goes away or lets a request time
 * out is passed over (not dropped). The result is checked against the SHA-1 info-hash and, when
 * known, the v2 SHA-256 hash (BEP 52). Not thread-safe: owned by the bridge's loop.
 *
 * @param <P> how the caller names a peer (its connection)
 */
public final class MetadataFetcher<P> {
    /** What the caller must do after an event: send these requests, drop these peers. */
    public record Actions<P>(List<Send<P>> sends, List<Drop<P>> drops) {
        static <P> Actions<P> none() {
            return new Actions<>(List.of(), List.of());
        }
    }

    public record Send<P>(P peer, MetadataMessage message) {
    }

    public record Drop<P>(P peer, String reason) {
    }

    private final byte[] sha1;
    private final byte[] sha256;
    private final long maxSize;
    private final int maxOutstanding;
    private final long requestTimeoutMillis;
    private final LinkedHashMap<P, Long> candidates = new LinkedHashMap<>();
    private P active;
    private long activeSize;
    private byte[] buffer;
    private BitSet received;
    private int nextPiece;
    private final Map<Integer, Long> outstanding = new LinkedHashMap<>();
    private byte[] result;

    /**
     * @param sha1                 the v1 info-hash (20 bytes)
     * @param sha256               the v2 info-hash (32 bytes) when known, else null
     * @param maxSize              largest {@code metadata_size} accepted
     * @param maxOutstanding       requests in flight to the peer being fetched from
     * @param requestTimeoutMillis a request unanswered this long passes the peer over
     */
    public MetadataFetcher(byte[] sha1, byte[] sha256, long maxSize, int maxOutstanding, long requestTimeoutMillis) {
        if (sha1.length != 20 || (sha256 != null && sha256.length != 32) || maxOutstanding < 1) {
            throw new IllegalArgumentException("bad hashes or outstanding bound");
        }
        this.sha1 = sha1.clone();
        this.sha256 = sha256 == null ? null : sha256.clone();
        this.maxSize = maxSize;
        this.maxOutstanding = maxOutstanding;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    /** The verified info dictionary, or null while not fetched. */
    public byte[] result() {
        return result;
    }

    public boolean done() {
        return result != null;
    }

    /** The peer being fetched from, or null. */
    public P active() {
        return active;
    }

    /** Peers waiting their turn (the active one included). */
    public int candidates() {
        return candidates.size();
    }

    /**
     * A peer advertised {@code metadata_size} and a {@code ut_metadata} id. A size over the limit
     * is not fetched (the peer is kept, just not asked).
     *
     * @return what to do (requests when it became the active peer)
     */
    public Actions<P> offer(P peer, long size, long now) {
        if (done() || size <= 0 || size > maxSize || candidates.containsKey(peer)) {
            return Actions.none();
        }
        candidates.put(peer, size);
        return startNext(now, new ArrayList<>(), new ArrayList<>());
    }

    /** The peer went away (connection closed). */
    public Actions<P> gone(P peer, long now) {
        candidates.remove(peer);
        if (peer.equals(active)) {
            reset();
            return startNext(now, new ArrayList<>(), new ArrayList<>());
        }
        return Actions.none();
    }

    /** A {@code data} or {@code reject} from a peer ({@code request}s are answered by the caller). */
    public Actions<P> onMessage(P peer, MetadataMessage m, long now) {
        if (done() || !peer.equals(active)) {
            return Actions.none();
        }
        List<Send<P>> sends = new ArrayList<>();
        List<Drop<P>> drops = new ArrayList<>();
        switch (m) {
            case MetadataMessage.Reject r -> {
                candidates.remove(peer);
                reset();
                return startNext(now, sends, drops);
            }
            case MetadataMessage.Data d -> {
                String bad = check(d);
                if (bad != null) {
                    return dropActive(bad, now, sends, drops);
                }
                outstanding.remove(d.piece());
                System.arraycopy(d.block(), 0, buffer, d.piece() * MetadataMessage.BLOCK, d.block().length);
                received.set(d.piece());
                if (received.cardinality() == MetadataMessage.pieceCount(activeSize)) {
                    if (!matches(buffer)) {
                        return dropActive("metadata hash mismatch (info dictionary does not match the info-hash)", now,
                                sends, drops);
                    }
                    result = buffer;
                    candidates.clear();
                    reset();
                    return new Actions<>(sends, drops);
                }
                request(now, sends);
            }
            case MetadataMessage.Request r -> {
            }
        }
        return new Actions<>(sends, drops);
    }

    /** Request timeouts. */
    public Actions<P> tick(long now) {
        if (active == null || done()) {
            return Actions.none();
        }
        for (long sentAt : outstanding.values()) {
            if (now - sentAt > requestTimeoutMillis) {
                candidates.remove(active);
                reset();
                return startNext(now, new ArrayList<>(), new ArrayList<>());
            }
        }
        return Actions.none();
    }

    private String check(MetadataMessage.Data d) {
        if (d.totalSize() != activeSize) {
            return "ut_metadata total_size " + d.totalSize() + " differs from metadata_size " + activeSize;
        }
        if (!outstanding.containsKey(d.piece())) {
            return "ut_metadata piece " + d.piece() + " not requested";
        }
        int expected = MetadataMessage.blockLength(activeSize, d.piece());
        if (d.block().length != expected) {
            return "ut_metadata piece " + d.piece() + " of " + d.block().length + " bytes, expected " + expected;
        }
        return null;
    }

    private Actions<P> dropActive(String reason, long now, List<Send<P>> sends, List<Drop<P>> drops) {
        drops.add(new Drop<>(active, reason));
        candidates.remove(active);
        reset();
        return startNext(now, sends, drops);
    }

    private void reset() {
        active = null;
        buffer = null;
        received = null;
        outstanding.clear();
        nextPiece = 0;
    }

    private Actions<P> startNext(long now, List<Send<P>> sends, List<Drop<P>> drops) {
        if (active == null && !done()) {
            Iterator<Map.Entry<P, Long>> it = candidates.entrySet().iterator();
            if (it.hasNext()) {
                Map.Entry<P, Long> e = it.next();
                active = e.getKey();
                activeSize = e.getValue();
                buffer = new byte[(int) activeSize];
                received = new BitSet();
                request(now, sends);
            }
        }
        return new Actions<>(sends, drops);
    }

    private void request(long now, List<Send<P>> sends) {
        int pieces = MetadataMessage.pieceCount(activeSize);
        while (outstanding.size() < maxOutstanding && nextPiece < pieces) {
            outstanding.put(nextPiece, now);
            sends.add(new Send<>(active, new MetadataMessage.Request(nextPiece)));
            nextPiece++;
        }
    }

    private boolean matches(byte[] info) {
        return Arrays.equals(digest("SHA-1", info), sha1) && (sha256 == null || Arrays.equals(digest("SHA-256", info), sha256));
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
    }

    /** True when {@code info} hashes to the info-hash (and the v2 hash when given): for a stored copy. */
    public boolean verifies(byte[] info) {
        return matches(info);
    }
}
