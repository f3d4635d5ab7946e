package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.metadata.InfoDict;
import dev.swarm.peerbridge.metadata.MetadataFetcher;
import dev.swarm.peerbridge.peers.PeerOrigin;
import dev.swarm.peerbridge.tex.TrackerSet;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.trackers.AnnounceSchedule;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import dev.swarm.protocol.InfoHash;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One swarm the bridge is in: its trackers ({@link TrackerSet}), their schedule, the peers it knows
 * and the connections it has. Owned by the bridge's event loop thread.
 */
final class TorrentState {
    /** Bound on the distinct sources remembered per peer (trackers, dht, pex, ...). */
    static final int MAX_SOURCES_PER_PEER = 16;

    static final class KnownPeer {
        /** Where the peer was learned first. */
        final PeerOrigin origin;
        /** Every source that returned it (by {@link PeerOrigin#source()}), first one first; bounded. */
        final Set<String> sources = new LinkedHashSet<>();
        long nextDialAt;
        int failures;
        boolean self;
        boolean connected;
        /** A PEX message flagged it a seed (BEP 11), known before its bitfield. */
        boolean pexSeed;

        KnownPeer(PeerOrigin origin) {
            this.origin = origin;
            sources.add(origin.source());
        }

        void seenFrom(PeerOrigin o) {
            if (sources.size() < MAX_SOURCES_PER_PEER) {
                sources.add(o.source());
            }
        }
    }

    private final TorrentSpec spec;
    private final TrackerSet trackers;
    private final AnnounceSchedule schedule;
    private final TrackerRanking ranking;
    private final boolean texEnabled;
    private final int maxKnown;
    private final LinkedHashMap<InetSocketAddress, KnownPeer> known = new LinkedHashMap<>();
    private final Set<PeerConnection> connections = new LinkedHashSet<>();
    private final Set<String> started = new HashSet<>();
    private final Set<String> advertisedEver = new LinkedHashSet<>();
    private final Map<String, String> lastError = new HashMap<>();
    private final boolean pexEnabled;
    /** Fetches the info dictionary of a magnet; null when the metadata came with the torrent or is fetched. */
    private MetadataFetcher<PeerConnection> fetcher;
    /** The verified info dictionary when fetched or loaded (not for .torrent inputs), else null. */
    private byte[] info;
    private InfoDict infoDict;
    /** Whether a tracker answers its probes (the health monitor); one that does not is not advertised. */
    private final java.util.function.Predicate<String> answering;

    TorrentState(TorrentSpec spec, TrackerSet trackers, AnnounceSchedule schedule, TrackerRanking ranking,
            boolean texEnabled, int maxKnown) {
        this(spec, trackers, schedule, ranking, texEnabled, maxKnown, false, url -> true);
    }

    TorrentState(TorrentSpec spec, TrackerSet trackers, AnnounceSchedule schedule, TrackerRanking ranking,
            boolean texEnabled, int maxKnown, boolean pexEnabled, java.util.function.Predicate<String> answering) {
        this.pexEnabled = pexEnabled;
        this.answering = answering;
        this.spec = spec;
        this.trackers = trackers;
        this.schedule = schedule;
        this.ranking = ranking;
        this.texEnabled = texEnabled;
        this.maxKnown = maxKnown;
    }

    InfoHash infoHash() {
        return spec.infoHash();
    }

    String key() {
        return spec.infoHash().toHex();
    }

    TorrentSpec spec() {
        return spec;
    }

    TrackerSet trackers() {
        return trackers;
    }

    AnnounceSchedule schedule() {
        return schedule;
    }

    /** BEP 28 is used for this torrent: enabled and not private (BEP 27). */
    boolean texAllowed() {
        return texEnabled && !isPrivate();
    }

    /** BEP 11 is used for this torrent: enabled and not private (BEP 27). */
    boolean pexAllowed() {
        return pexEnabled && !isPrivate();
    }

    /** Private by the .torrent or by the fetched info dictionary. */
    boolean isPrivate() {
        return spec.isPrivate() || (infoDict != null && infoDict.isPrivate());
    }

    /** The piece count: from the .torrent, from fetched metadata, or -1 while unknown. */
    int pieceCount() {
        if (spec.pieceCount() >= 0) {
            return spec.pieceCount();
        }
        return infoDict == null ? -1 : infoDict.pieceCount();
    }

    MetadataFetcher<PeerConnection> fetcher() {
        return fetcher;
    }

    void fetcher(MetadataFetcher<PeerConnection> f) {
        this.fetcher = f;
    }

    /** The verified info dictionary (to answer ut_metadata requests), or null. */
    byte[] info() {
        return info;
    }

    InfoDict infoDict() {
        return infoDict;
    }

    /** The info dictionary is verified: the torrent now has its piece count, name and files. */
    void metadata(byte[] verified, InfoDict parsed) {
        this.info = verified;
        this.infoDict = parsed;
        this.fetcher = null;
    }

    /**
     * Verified trackers that the health monitor does not see down, best ranked first (unranked ones
     * after, in tracker order).
     */
    List<String> advertisable() {
        if (!texAllowed()) {
            return List.of();
        }
        List<String> urls = new ArrayList<>(trackers.advertisable());
        urls.removeIf(answering.negate());
        Map<String, Integer> position = new HashMap<>();
        List<TrackerRanking.Rank> rank = ranking.rank(key());
        for (int i = 0; i < rank.size(); i++) {
            position.put(rank.get(i).url(), i);
        }
        List<String> sorted = new ArrayList<>(urls);
        sorted.sort((a, b) -> Integer.compare(position.getOrDefault(a, Integer.MAX_VALUE),
                position.getOrDefault(b, Integer.MAX_VALUE)));
        return sorted;
    }

    void noteAdvertised(List<String> urls) {
        advertisedEver.addAll(urls);
    }

    Set<String> advertisedEver() {
        return advertisedEver;
    }

    /** The trackers announced to so far: the ones that may count us, to be sent {@code stopped}. */
    Set<String> announcedTo() {
        return java.util.Collections.unmodifiableSet(started);
    }

    /** True the first time for a tracker: that announce carries {@code event=started}. */
    boolean firstAnnounce(String url) {
        return started.add(url);
    }

    void recordError(String url, String reason) {
        if (reason == null) {
            lastError.remove(url);
        } else {
            lastError.put(url, reason);
        }
    }

    String lastError(String url) {
        return lastError.get(url);
    }

    /**
     * Remembers a peer address and the source that offered it (bounded: the oldest unconnected one
     * is forgotten first). A peer already known only gains the source.
     */
    void addPeer(InetSocketAddress a, PeerOrigin origin) {
        KnownPeer k = known.get(a);
        if (k != null) {
            k.seenFrom(origin);
            return;
        }
        if (known.size() >= maxKnown) {
            Iterator<Map.Entry<InetSocketAddress, KnownPeer>> it = known.entrySet().iterator();
            while (it.hasNext()) {
                if (!it.next().getValue().connected) {
                    it.remove();
                    break;
                }
            }
            if (known.size() >= maxKnown) {
                return;
            }
        }
        known.put(a, new KnownPeer(origin));
    }

    Map<InetSocketAddress, KnownPeer> known() {
        return known;
    }

    Set<PeerConnection> connections() {
        return connections;
    }
}
