package dev.swarm.peerbridge.session;

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
    static final class KnownPeer {
        long nextDialAt;
        int failures;
        boolean self;
        boolean connected;
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
    private final java.util.function.Predicate<String> answering;

    TorrentState(TorrentSpec spec, TrackerSet trackers, AnnounceSchedule schedule, TrackerRanking ranking,
            boolean texEnabled, int maxKnown, java.util.function.Predicate<String> answering) {
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
        return texEnabled && !spec.isPrivate();
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

    /** Remembers a peer address (bounded: the oldest unconnected one is forgotten first). */
    void addPeer(InetSocketAddress a) {
        if (known.containsKey(a)) {
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
        known.put(a, new KnownPeer());
    }

    Map<InetSocketAddress, KnownPeer> known() {
        return known;
    }

    Set<PeerConnection> connections() {
        return connections;
    }
}
