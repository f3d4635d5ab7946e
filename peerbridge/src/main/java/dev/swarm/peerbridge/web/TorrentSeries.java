package dev.swarm.peerbridge.web;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per torrent, the figures the dashboard charts over time, one sample each time {@link #add} is called (the web
 * server samples on a fixed period), at most {@code capacity} samples per torrent. In memory only. Thread-safe.
 */
final class TorrentSeries {
    /**
     * One sample.
     *
     * @param timeMillis      the bridge's clock
     * @param connected       open peer connections
     * @param seeds           connected peers whose bitfield is complete
     * @param leechers        connected peers whose bitfield is not (or not yet known)
     * @param trackerSeeders  the largest seeder count a tracker reported in its last answer, null if none answered
     * @param trackerLeechers the largest leecher count a tracker reported in its last answer, null if none answered
     */
    record Sample(long timeMillis, int connected, int seeds, int leechers, Long trackerSeeders, Long trackerLeechers) {
    }

    private final int capacity;
    private final Map<String, ArrayDeque<Sample>> byTorrent = new HashMap<>();

    TorrentSeries(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(String infoHash, Sample s) {
        ArrayDeque<Sample> q = byTorrent.computeIfAbsent(infoHash, k -> new ArrayDeque<>());
        q.addLast(s);
        while (q.size() > capacity) {
            q.removeFirst();
        }
    }

    /** Drops the series of torrents the bridge no longer has. */
    synchronized void retain(Set<String> infoHashes) {
        byTorrent.keySet().retainAll(infoHashes);
    }

    synchronized List<Sample> of(String infoHash) {
        ArrayDeque<Sample> q = byTorrent.get(infoHash);
        return q == null ? List.of() : List.copyOf(q);
    }
}
