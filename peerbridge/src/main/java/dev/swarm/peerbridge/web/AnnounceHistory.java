package dev.swarm.peerbridge.web;

import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.protocol.InfoHash;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every announce result the bridge gets, per tracker URL, in memory and bounded ({@code perTracker} results per URL,
 * {@code maxTrackers} URLs, the least recently answered one forgotten first): the dashboard's latency and uptime
 * charts and its response log (like newTrackon's {@code /raw}). Written on the bridge's loop thread, read by the web
 * workers. Until the health package's history store is merged, this is what the dashboard shows; it does not survive
 * a restart.
 */
final class AnnounceHistory implements Bridge.AnnounceListener {
    /**
     * One announce result.
     *
     * @param timeMillis    when it arrived (the bridge's clock)
     * @param infoHash      the torrent announced
     * @param ok            a valid response
     * @param latencyMillis round trip (or time to failure)
     * @param peers         peers returned (0 on failure)
     * @param seeders       seeders the tracker reported, -1 on failure
     * @param leechers      leechers the tracker reported, -1 on failure
     * @param error         the failure reason, null on success
     */
    record Result(long timeMillis, String infoHash, boolean ok, long latencyMillis, int peers, long seeders,
            long leechers, String error) {
    }

    private final int perTracker;
    private final int maxTrackers;
    private final LinkedHashMap<String, ArrayDeque<Result>> byUrl = new LinkedHashMap<>(16, 0.75f, true);

    AnnounceHistory(int perTracker, int maxTrackers) {
        this.perTracker = perTracker;
        this.maxTrackers = maxTrackers;
    }

    @Override
    public synchronized void announced(InfoHash torrent, String url, AnnounceResult r, long nowMillis) {
        Result x = switch (r) {
            case AnnounceResult.Success s -> new Result(nowMillis, torrent.toHex(), true, s.latency().toMillis(),
                    s.peers().size(), s.seeders(), s.leechers(), null);
            case AnnounceResult.Failure f -> new Result(nowMillis, torrent.toHex(), false, f.latency().toMillis(), 0,
                    -1, -1, f.reason());
        };
        ArrayDeque<Result> q = byUrl.computeIfAbsent(url, k -> new ArrayDeque<>());
        q.addLast(x);
        while (q.size() > perTracker) {
            q.removeFirst();
        }
        while (byUrl.size() > maxTrackers) {
            Iterator<String> it = byUrl.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** The results of one URL, oldest first (a copy). */
    synchronized List<Result> of(String url) {
        ArrayDeque<Result> q = byUrl.get(url);
        return q == null ? List.of() : List.copyOf(q);
    }

    /** The last result per tracker URL for one torrent (the tracker-reported counts come from here). */
    synchronized Map<String, Result> lastFor(String infoHash) {
        Map<String, Result> out = new LinkedHashMap<>();
        for (Map.Entry<String, ArrayDeque<Result>> e : byUrl.entrySet()) {
            Iterator<Result> it = e.getValue().descendingIterator();
            while (it.hasNext()) {
                Result r = it.next();
                if (r.infoHash().equals(infoHash)) {
                    out.put(e.getKey(), r);
                    break;
                }
            }
        }
        return out;
    }

    /** The last {@code n} results of one URL, newest first. */
    static List<Result> newestFirst(List<Result> all, int n) {
        List<Result> out = new ArrayList<>(Math.min(n, all.size()));
        for (int i = all.size() - 1; i >= 0 && out.size() < n; i--) {
            out.add(all.get(i));
        }
        return out;
    }
}
