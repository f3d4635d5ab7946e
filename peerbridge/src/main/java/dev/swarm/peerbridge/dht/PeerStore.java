package dev.swarm.peerbridge.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peers other nodes announced to us (announce_peer), per info-hash: at most {@code maxPerHash} per
 * info-hash and {@code maxTotal} in all, each dropped {@code ttlMillis} after its last announce. When
 * full, a new info-hash is refused and a full info-hash drops its oldest peer. Owned by one thread.
 */
final class PeerStore {
    private final int maxTotal;
    private final int maxPerHash;
    private final long ttlMillis;
    private final Map<String, LinkedHashMap<InetSocketAddress, Long>> byHash = new HashMap<>();
    private int total;

    PeerStore(int maxTotal, int maxPerHash, long ttlMillis) {
        this.maxTotal = maxTotal;
        this.maxPerHash = maxPerHash;
        this.ttlMillis = ttlMillis;
    }

    /** Stores or refreshes a peer; returns false when refused for lack of room. */
    boolean announce(byte[] infoHash, InetSocketAddress peer, long now) {
        String key = key(infoHash);
        LinkedHashMap<InetSocketAddress, Long> peers = byHash.get(key);
        if (peers == null) {
            if (total >= maxTotal) {
                expire(now);
                if (total >= maxTotal) {
                    return false;
                }
            }
            peers = new LinkedHashMap<>();
            byHash.put(key, peers);
        }
        if (peers.remove(peer) != null) {
            total--;
        } else if (peers.size() >= maxPerHash || total >= maxTotal) {
            Iterator<InetSocketAddress> oldest = peers.keySet().iterator();
            if (!oldest.hasNext()) {
                return false;
            }
            oldest.next();
            oldest.remove();
            total--;
        }
        peers.put(peer, now + ttlMillis);
        total++;
        return true;
    }

    /** Up to {@code max} live peers for the info-hash, most recently announced first. */
    List<InetSocketAddress> peers(byte[] infoHash, int max, long now) {
        LinkedHashMap<InetSocketAddress, Long> peers = byHash.get(key(infoHash));
        List<InetSocketAddress> out = new ArrayList<>();
        if (peers == null) {
            return out;
        }
        List<Map.Entry<InetSocketAddress, Long>> all = new ArrayList<>(peers.entrySet());
        for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) {
            if (all.get(i).getValue() > now) {
                out.add(all.get(i).getKey());
            }
        }
        return out;
    }

    /** Drops expired peers and empty info-hashes. */
    void expire(long now) {
        for (Iterator<LinkedHashMap<InetSocketAddress, Long>> it = byHash.values().iterator(); it.hasNext();) {
            LinkedHashMap<InetSocketAddress, Long> peers = it.next();
            int before = peers.size();
            peers.values().removeIf(expiry -> expiry <= now);
            total -= before - peers.size();
            if (peers.isEmpty()) {
                it.remove();
            }
        }
    }

    int size() {
        return total;
    }

    private static String key(byte[] infoHash) {
        return java.util.HexFormat.of().formatHex(infoHash);
    }
}
