package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.dht.DhtNode;
import dev.swarm.peerbridge.health.Availability;
import dev.swarm.peerbridge.health.HealthView;
import dev.swarm.peerbridge.health.TorrentHealth;
import dev.swarm.peerbridge.health.TrackerHealth;
import dev.swarm.peerbridge.tex.TrackerSet;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.protocol.InfoHash;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the API shows of the bridge: the JSON-shaped maps of {@code /api/status} and {@code /api/ranking}, and the
 * per-torrent health sample. Reads the bridge's state on its loop thread (through {@link Bridge#onLoop}); the health
 * and DHT figures are added off the loop.
 */
final class BridgeViews {
    private final Bridge bridge;
    private final Map<InfoHash, TorrentState> torrents;
    private final Set<PeerConnection> open;
    private final TrackerRanking ranking;
    private final HealthView health;
    private final LongSupplier clock;

    /** Views of {@code bridge}, whose live (loop-owned) torrents and open connections are read here. */
    BridgeViews(Bridge bridge, Map<InfoHash, TorrentState> torrents, Set<PeerConnection> open, TrackerRanking ranking,
            HealthView health, LongSupplier clock) {
        this.bridge = bridge;
        this.torrents = torrents;
        this.open = open;
        this.ranking = ranking;
        this.health = health;
        this.clock = clock;
    }

    /**
     * Everything the API shows, taken on the loop thread (the DHT's figures on its own thread); the health figures (field {@code health} of each
     * torrent and each of its trackers) are added after, off the loop.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> status() {
        Map<String, Object> status = loopStatus();
        Map<String, TrackerHealth> byUrl = new LinkedHashMap<>();
        for (TrackerHealth h : health.trackers()) {
            byUrl.put(h.url(), h);
        }
        Map<String, TorrentHealth> byHash = new LinkedHashMap<>();
        for (TorrentHealth h : health.torrents()) {
            byHash.put(h.infoHash(), h);
        }
        for (Object o : (List<Object>) status.get("torrents")) {
            Map<String, Object> m = (Map<String, Object>) o;
            m.put("health", byHash.get((String) m.get("infoHash")));
            for (Object tr : (List<Object>) m.get("trackers")) {
                Map<String, Object> v = (Map<String, Object>) tr;
                v.put("health", byUrl.get((String) v.get("url")));
            }
        }
        DhtNode dht = bridge.dht();
        if (dht != null) {
            status.put("dht", dht.status());
        }
        return status;
    }

    private Map<String, Object> loopStatus() {
        return bridge.onLoop(() -> {
            long now = clock.getAsLong();
            InetSocketAddress listenAddress = bridge.listenAddress();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("peerId", bridge.peerIdText());
            out.put("listen", listenAddress.getHostString() + ":" + listenAddress.getPort());
            out.put("connections", open.size());
            List<Object> list = new ArrayList<>();
            for (TorrentState t : torrents.values()) {
                list.add(torrentView(t, now));
            }
            out.put("torrents", list);
            return out;
        });
    }

    private Map<String, Object> torrentView(TorrentState t, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("infoHash", t.key());
        m.put("name", t.spec().name().isEmpty() && t.infoDict() != null ? t.infoDict().name() : t.spec().name());
        m.put("source", t.spec().source());
        m.put("private", t.isPrivate());
        m.put("pieceCount", t.pieceCount());
        m.put("metadata", metadataView(t));
        List<String> advertisable = t.advertisable();
        m.put("advertising", advertisable);
        m.put("advertisedEver", List.copyOf(t.advertisedEver()));
        List<Object> trackers = new ArrayList<>();
        for (TrackerSet.Tracker tr : t.trackers().trackers()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("url", tr.url());
            v.put("origin", tr.origin().name().toLowerCase(java.util.Locale.ROOT));
            v.put("tier", tr.tier());
            v.put("status", tr.status().name().toLowerCase(java.util.Locale.ROOT));
            v.put("advertised", advertisable.contains(tr.url()));
            v.put("successes", tr.successes());
            v.put("failures", tr.failures());
            v.put("consecutiveFailures", tr.consecutiveFailures());
            v.put("nextAnnounceInMillis", Math.max(0, t.schedule().nextAt(tr.url()) - now));
            v.put("lastError", t.lastError(tr.url()));
            trackers.add(v);
        }
        m.put("trackers", trackers);
        m.put("droppedLearned", t.trackers().recentlyDropped());
        m.put("ranking", ranking.rank(t.key()));
        m.put("knownPeers", t.known().size());
        m.put("peerOrigins", peerOrigins(t));
        List<Object> peers = new ArrayList<>();
        for (PeerConnection c : t.connections()) {
            peers.add(c.view(now));
        }
        m.put("peers", peers);
        return m;
    }

    private static Map<String, Object> metadataView(TorrentState t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (t.infoDict() != null) {
            m.put("state", "verified");
            m.put("name", t.infoDict().name());
            m.put("size", t.info().length);
            m.put("files", t.infoDict().files().stream().limit(100)
                    .map(f -> Map.of("path", f.path(), "length", f.length())).toList());
            m.put("fileCount", t.infoDict().files().size());
        } else if (t.fetcher() != null) {
            m.put("state", t.fetcher().active() == null ? "waiting for a peer" : "fetching");
            m.put("candidates", t.fetcher().candidates());
        } else {
            m.put("state", t.spec().pieceCount() >= 0 ? "from .torrent" : "unusable");
        }
        return m;
    }

    /** Per known peer: where it was learned first and every source that returned it. */
    private static List<Object> peerOrigins(TorrentState t) {
        List<Object> out = new ArrayList<>(t.known().size());
        for (Map.Entry<InetSocketAddress, TorrentState.KnownPeer> e : t.known().entrySet()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("address", hostPort(e.getKey()));
            v.put("origin", e.getValue().origin.toString());
            v.put("sources", List.copyOf(e.getValue().sources));
            v.put("connected", e.getValue().connected);
            v.put("pexSeed", e.getValue().pexSeed);
            out.add(v);
        }
        return out;
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The ranking overall and per torrent, and (field {@code health}) every tracker's health, best first. */
    Map<String, Object> ranking() {
        Map<String, Object> out = loopRanking();
        out.put("health", health.trackers());
        return out;
    }

    private Map<String, Object> loopRanking() {
        return bridge.onLoop(() -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("overall", ranking.overall());
            Map<String, Object> per = new LinkedHashMap<>();
            for (TorrentState t : torrents.values()) {
                per.put(t.key(), ranking.rank(t.key()));
            }
            out.put("torrents", per);
            return out;
        });
    }

    /** Peers connected, seeds/leechers by bitfield, availability, completion histogram; unknown piece count: null. */
    static TorrentHealth torrentHealth(TorrentState t, long now) {
        int pieceCount = t.spec().pieceCount();
        List<java.util.BitSet> bits = new ArrayList<>();
        for (PeerConnection c : t.connections()) {
            if (c.pieces() != null) {
                bits.add(c.pieces().bits());
                if (pieceCount < 0 && c.pieces().pieceCount() >= 0) {
                    pieceCount = c.pieces().pieceCount();
                }
            }
        }
        Integer seeds = Availability.seeds(pieceCount, bits);
        return new TorrentHealth(t.key(), t.spec().name(), now, bits.size(), seeds,
                seeds == null ? null : bits.size() - seeds, pieceCount > 0 ? pieceCount : null,
                Availability.distributedCopies(pieceCount, bits), Availability.completionHistogram(pieceCount, bits));
    }
}
