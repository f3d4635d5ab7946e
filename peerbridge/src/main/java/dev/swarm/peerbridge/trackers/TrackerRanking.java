package dev.swarm.peerbridge.trackers;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Ranks trackers per torrent and overall by the peers they return: distinct peers (seen within
 * the window), how many of them no other tracker of the same torrent returned, then success
 * rate, then latency. Peers are keyed by address and port. Memory is bounded: at most
 * {@code maxPeersPerTracker} peers per (torrent, tracker), the oldest forgotten first. The DHT and
 * PEX are ranked beside the trackers as sources named {@code dht} and {@code pex} (see
 * {@link #recordPeers}, {@link #isTracker}). Thread-safe.
 */
public final class TrackerRanking {
    /** One row of a ranking. {@code latencyMillis} is a moving average of successful announces, -1 if none. */
    public record Rank(String url, int distinctPeers, int uniquePeers, long successes, long attempts,
            double successRate, long latencyMillis) {
    }

    /** Best first: more distinct peers, more unique peers, higher success rate, lower latency, then URL. */
    public static final Comparator<Rank> ORDER = Comparator.comparingInt(Rank::distinctPeers).reversed()
            .thenComparing(Comparator.comparingInt(Rank::uniquePeers).reversed())
            .thenComparing(Comparator.comparingDouble(Rank::successRate).reversed())
            .thenComparingLong(r -> r.latencyMillis() < 0 ? Long.MAX_VALUE : r.latencyMillis())
            .thenComparing(Rank::url);

    private static final class Stats {
        final LinkedHashMap<InetSocketAddress, Long> peers = new LinkedHashMap<>(16, 0.75f, true);
        long successes;
        long attempts;
        double latencyAvg = -1;
    }

    private final LongSupplier clockMillis;
    private final long windowMillis;
    private final int maxPeersPerTracker;
    private final Map<String, Map<String, Stats>> torrents = new HashMap<>();

    public TrackerRanking(LongSupplier clockMillis, Duration peerWindow, int maxPeersPerTracker) {
        this.clockMillis = clockMillis;
        this.windowMillis = peerWindow.toMillis();
        this.maxPeersPerTracker = maxPeersPerTracker;
    }

    /** A valid announce response from {@code url} for {@code torrent}, with the peers it returned. */
    public synchronized void recordSuccess(String torrent, String url, Duration latency,
            Collection<InetSocketAddress> peers) {
        Stats s = stats(torrent, url);
        s.attempts++;
        s.successes++;
        long ms = latency.toMillis();
        s.latencyAvg = s.latencyAvg < 0 ? ms : 0.7 * s.latencyAvg + 0.3 * ms;
        long now = clockMillis.getAsLong();
        for (InetSocketAddress p : peers) {
            s.peers.put(p, now);
            if (s.peers.size() > maxPeersPerTracker) {
                Iterator<InetSocketAddress> it = s.peers.keySet().iterator();
                it.next();
                it.remove();
            }
        }
    }

    /**
     * Peers a non-tracker source ({@code dht}, {@code pex}) returned for {@code torrent}. Such a source
     * is ranked beside the trackers (its row has no attempts), so a tracker's unique peers are those
     * neither another tracker nor the DHT nor PEX returned.
     */
    public synchronized void recordPeers(String torrent, String source, Collection<InetSocketAddress> peers) {
        Stats s = stats(torrent, source);
        long now = clockMillis.getAsLong();
        for (InetSocketAddress p : peers) {
            s.peers.put(p, now);
            if (s.peers.size() > maxPeersPerTracker) {
                Iterator<InetSocketAddress> it = s.peers.keySet().iterator();
                it.next();
                it.remove();
            }
        }
    }

    /** True for a row of a tracker (an announce URL), false for the {@code dht} and {@code pex} sources. */
    public static boolean isTracker(String source) {
        return source.contains("://");
    }

    /** A failed announce to {@code url} for {@code torrent}. */
    public synchronized void recordFailure(String torrent, String url) {
        stats(torrent, url).attempts++;
    }

    /** Forgets a torrent (it was removed). */
    public synchronized void forget(String torrent) {
        torrents.remove(torrent);
    }

    /** Forgets one tracker of a torrent (it was dropped). */
    public synchronized void forget(String torrent, String url) {
        Map<String, Stats> m = torrents.get(torrent);
        if (m != null) {
            m.remove(url);
        }
    }

    /** The ranking of the trackers of one torrent, best first. */
    public synchronized List<Rank> rank(String torrent) {
        Map<String, Stats> m = torrents.get(torrent);
        if (m == null) {
            return List.of();
        }
        expire(m);
        List<Rank> out = new ArrayList<>();
        for (Map.Entry<String, Stats> e : m.entrySet()) {
            out.add(rankOf(e.getKey(), e.getValue(), m));
        }
        out.sort(ORDER);
        return out;
    }

    /** The ranking over all torrents: peer counts summed over torrents, best first. */
    public synchronized List<Rank> overall() {
        Map<String, long[]> sums = new HashMap<>();
        Map<String, double[]> latency = new HashMap<>();
        for (Map<String, Stats> m : torrents.values()) {
            expire(m);
            for (Map.Entry<String, Stats> e : m.entrySet()) {
                Rank r = rankOf(e.getKey(), e.getValue(), m);
                long[] s = sums.computeIfAbsent(r.url(), k -> new long[4]);
                s[0] += r.distinctPeers();
                s[1] += r.uniquePeers();
                s[2] += r.successes();
                s[3] += r.attempts();
                if (r.latencyMillis() >= 0) {
                    double[] l = latency.computeIfAbsent(r.url(), k -> new double[2]);
                    l[0] += r.latencyMillis() * (double) r.successes();
                    l[1] += r.successes();
                }
            }
        }
        List<Rank> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            long[] s = e.getValue();
            double[] l = latency.get(e.getKey());
            long lat = l == null || l[1] == 0 ? -1 : Math.round(l[0] / l[1]);
            out.add(new Rank(e.getKey(), (int) Math.min(Integer.MAX_VALUE, s[0]), (int) Math.min(Integer.MAX_VALUE, s[1]),
                    s[2], s[3], s[3] == 0 ? 0 : (double) s[2] / s[3], lat));
        }
        out.sort(ORDER);
        return out;
    }

    private Stats stats(String torrent, String url) {
        return torrents.computeIfAbsent(torrent, k -> new HashMap<>()).computeIfAbsent(url, k -> new Stats());
    }

    private void expire(Map<String, Stats> m) {
        long cutoff = clockMillis.getAsLong() - windowMillis;
        for (Stats s : m.values()) {
            s.peers.values().removeIf(t -> t < cutoff);
        }
    }

    private static Rank rankOf(String url, Stats s, Map<String, Stats> all) {
        int unique = 0;
        for (InetSocketAddress p : s.peers.keySet()) {
            boolean elsewhere = false;
            for (Map.Entry<String, Stats> o : all.entrySet()) {
                if (!o.getKey().equals(url) && o.getValue().peers.containsKey(p)) {
                    elsewhere = true;
                    break;
                }
            }
            if (!elsewhere) {
                unique++;
            }
        }
        double rate = s.attempts == 0 ? 0 : (double) s.successes / s.attempts;
        return new Rank(url, s.peers.size(), unique, s.successes, s.attempts, rate,
                s.latencyAvg < 0 ? -1 : Math.round(s.latencyAvg));
    }
}
