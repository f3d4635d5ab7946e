package dev.swarm.peerbridge.health;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.peerbridge.trackers.TrackerRanking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bridge's health monitor: probes each tracker every {@code probe-interval} (apart from announces),
 * keeps its state (a tracker is down once two probes in a row failed in every address family, each
 * probe after its retry, and up again at its next answer, probe or announce), computes the figures of
 * {@link TrackerHealth} and {@link TorrentHealth}, writes every result to the {@link HistoryStore} and
 * raises {@link Alert}s (tracker down / back up, availability below 1.0).
 *
 * <p>Threads: {@link #tick}, {@link #recordAnnounce} and {@link #torrentSample} are called by the
 * bridge's event loop and never block (probes run on the prober's threads, writes on the store's);
 * probe results arrive on the prober's threads; the {@link HealthView} methods may be called from any
 * thread. State is guarded by this object's lock; {@link #advertisable} reads a concurrent set.
 */
public final class HealthMonitor implements HealthView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** Probes failed in a row (each after its retry) before a tracker counts as down. */
    public static final int FAILURES_FOR_DOWN = 2;
    private static final long DAY = 86_400_000L;

    private final BridgeConfig.Health config;
    private final LongSupplier clock;
    private final ProbeClient probes;
    private final HistoryStore store;
    private final Alerts alerts;
    private final Supplier<List<TrackerRanking.Rank>> ranking;
    private final long intervalMillis;
    private final int lastN;
    private final Map<String, TrackerState> trackers = new LinkedHashMap<>();
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final Map<String, TorrentHealth> torrents = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSampleStored = new HashMap<>();
    private final Map<String, Double> lastAvailability = new HashMap<>();
    /** Trackers of the stored history, read when the monitor is made (not on the event loop), taken on first use. */
    private final Map<String, TrackerState> restored = new HashMap<>();
    /** Bound on the trackers restored from the history at start. */
    static final int MAX_RESTORED = 10_000;

    private static final class FamilyState {
        int consecutiveFailed;
        final ArrayDeque<Boolean> last = new ArrayDeque<>();
        Long lastLatency;
        String lastError;
        boolean probed;
    }

    private final class TrackerState {
        final String url;
        final Map<String, FamilyState> families = new LinkedHashMap<>();
        final ArrayDeque<ProbeResult> log = new ArrayDeque<>();
        final ArrayDeque<Boolean> lastProbes = new ArrayDeque<>();
        final ArrayDeque<Long> latencies = new ArrayDeque<>();
        final Map<String, Integer> peersReturned = new HashMap<>();
        String state = "unknown";
        Long stateSince;
        Long seeders;
        Long leechers;
        Long downloads;
        Long lastProbe;
        String lastError;
        boolean probing;
        long nextProbeAt = Long.MIN_VALUE;

        TrackerState(String url) {
            this.url = url;
        }

        void remember(ProbeResult r) {
            log.addFirst(r);
            while (log.size() > Math.max(lastN, 50)) {
                log.removeLast();
            }
            if (r.ok()) {
                lastError = null;
                if (r.seeders() != null || r.leechers() != null || r.downloads() != null) {
                    seeders = r.seeders() != null ? r.seeders() : seeders;
                    leechers = r.leechers() != null ? r.leechers() : leechers;
                    downloads = r.downloads() != null ? r.downloads() : downloads;
                }
            } else {
                lastError = r.error();
            }
            if (r.isProbe()) {
                lastProbe = r.atMillis();
                push(lastProbes, r.ok(), lastN);
                if (r.ok()) {
                    push(latencies, r.latencyMillis(), lastN);
                }
                FamilyState f = families.computeIfAbsent(r.family() == null ? "any" : r.family(), k -> new FamilyState());
                f.probed = true;
                push(f.last, r.ok(), lastN);
                if (r.ok()) {
                    f.consecutiveFailed = 0;
                    f.lastLatency = r.latencyMillis();
                    f.lastError = null;
                } else {
                    f.consecutiveFailed++;
                    f.lastError = r.error();
                }
            }
        }

        boolean allFamiliesDown() {
            return !families.isEmpty()
                    && families.values().stream().allMatch(f -> f.consecutiveFailed >= FAILURES_FOR_DOWN);
        }
    }

    private static <T> void push(ArrayDeque<T> d, T v, int max) {
        d.addLast(v);
        while (d.size() > max) {
            d.removeFirst();
        }
    }

    public HealthMonitor(BridgeConfig.Health config, LongSupplier clock, ProbeClient probes, HistoryStore store,
            Alerts alerts, Supplier<List<TrackerRanking.Rank>> ranking) {
        this.config = config;
        this.clock = clock;
        this.probes = probes;
        this.store = store;
        this.alerts = alerts;
        this.ranking = ranking;
        this.intervalMillis = config.probeInterval().toMillis();
        this.lastN = config.lastN();
        try {
            for (String url : store.trackerUrls()) {
                if (restored.size() >= MAX_RESTORED) {
                    break;
                }
                restored.put(url, restore(url));
            }
        } catch (HistoryStoreException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /**
     * Starts the probes that are due. Called by the event loop; never blocks.
     *
     * @param urls every tracker URL in use, with the info-hashes of the torrents that use it
     * @return the probes started (for tests: completing each means its results were taken in)
     */
    public List<CompletableFuture<Void>> tick(long now, Map<String, List<byte[]>> urls) {
        return tick(now, urls, u -> false, (u, t) -> true);
    }

    /**
     * As {@link #tick(long, Map)}, for a bridge that learns trackers from peers.
     *
     * @param learned    URLs learned from peers (their addresses are filtered before a probe sends anything)
     * @param mayRequest asked once a probe is due; false keeps it due (the per-host budget of unverified
     *                   learned trackers: a peer cannot make the bridge send more than one request per interval)
     */
    public synchronized List<CompletableFuture<Void>> tick(long now, Map<String, List<byte[]>> urls,
            java.util.function.Predicate<String> learned, java.util.function.BiPredicate<String, Long> mayRequest) {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Iterator<Map.Entry<String, TrackerState>> it = trackers.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, TrackerState> e = it.next();
            if (!urls.containsKey(e.getKey())) {
                it.remove();
                restored.remove(e.getKey());
                down.remove(e.getKey());
            }
        }
        for (Map.Entry<String, List<byte[]>> e : urls.entrySet()) {
            TrackerState t = trackers.computeIfAbsent(e.getKey(), u -> {
                TrackerState r = restored.remove(u);
                return r != null ? r : new TrackerState(u);
            });
            if (t.probing || t.nextProbeAt > now || !mayRequest.test(t.url, now)) {
                continue;
            }
            t.probing = true;
            t.nextProbeAt = now + intervalMillis;
            started.add(probes.probe(t.url, e.getValue(), learned.test(t.url)).thenAccept(rs -> onProbe(t, rs)));
        }
        return started;
    }

    /** A tracker's state from its stored results (after a restart). */
    private TrackerState restore(String url) {
        TrackerState t = new TrackerState(url);
        List<ProbeResult> stored;
        try {
            stored = store.recent(url, Math.max(lastN, 50));
        } catch (HistoryStoreException e) {
            LOG.warn("{}", e.getMessage());
            stored = List.of();
        }
        for (int i = stored.size() - 1; i >= 0; i--) {
            t.remember(stored.get(i));
        }
        if (!stored.isEmpty()) {
            ProbeResult newest = stored.get(0);
            t.state = t.allFamiliesDown() ? "down" : t.lastProbes.isEmpty() ? "unknown"
                    : Boolean.TRUE.equals(t.lastProbes.peekLast()) ? "up" : "unknown";
            t.stateSince = t.state.equals("unknown") ? null : newest.atMillis();
            if (t.state.equals("down")) {
                down.add(url);
            }
        }
        return t;
    }

    private void onProbe(TrackerState t, List<ProbeResult> results) {
        List<Alert> raised = new ArrayList<>();
        synchronized (this) {
            t.probing = false;
            if (trackers.get(t.url) != t) {
                return;
            }
            Set<String> families = new java.util.HashSet<>();
            for (ProbeResult r : results) {
                store.record(r);
                t.remember(r);
                families.add(r.family() == null ? "any" : r.family());
            }
            t.families.keySet().retainAll(families);
            long now = clock.getAsLong();
            boolean anyOk = results.stream().anyMatch(ProbeResult::ok);
            if (anyOk) {
                becomeUp(t, now, raised);
            } else if (t.allFamiliesDown() && !t.state.equals("down")) {
                boolean wasUp = t.state.equals("up");
                t.state = "down";
                t.stateSince = now;
                down.add(t.url);
                int failed = t.families.values().stream().mapToInt(f -> f.consecutiveFailed).min().orElse(0);
                raised.add(new Alert("tracker-down", t.url, now, "tracker " + t.url + " is down: " + failed
                        + " probes failed in a row (" + t.lastError + ")" + (wasUp ? "" : ", never seen up"),
                        (double) failed));
            }
        }
        raised.forEach(alerts::raise);
    }

    private void becomeUp(TrackerState t, long now, List<Alert> raised) {
        if (t.state.equals("up")) {
            return;
        }
        boolean wasDown = t.state.equals("down");
        long downFor = wasDown && t.stateSince != null ? now - t.stateSince : 0;
        t.state = "up";
        t.stateSince = now;
        down.remove(t.url);
        if (wasDown) {
            raised.add(new Alert("tracker-up", t.url, now, "tracker " + t.url + " answers again after "
                    + downFor / 1000 + " s down", null));
        }
    }

    /** An announce the bridge made (from the event loop). An answer brings a down tracker back. */
    public void recordAnnounce(String torrentHex, String url, AnnounceResult r) {
        long now = clock.getAsLong();
        ProbeResult p = switch (r) {
            case AnnounceResult.Success s -> new ProbeResult(url, null, now, ProbeResult.Kind.ANNOUNCE.text(), true,
                    s.latency().toMillis(), s.seeders(), s.leechers(), null, s.peers().size(), null, torrentHex);
            case AnnounceResult.Failure f -> new ProbeResult(url, null, now, ProbeResult.Kind.ANNOUNCE.text(), false,
                    f.latency().toMillis(), null, null, null, null, f.reason(), torrentHex);
        };
        store.record(p);
        List<Alert> raised = new ArrayList<>();
        synchronized (this) {
            TrackerState t = trackers.get(url);
            if (t != null) {
                t.remember(p);
                if (p.ok()) {
                    t.peersReturned.put(torrentHex, p.peers());
                    if (t.state.equals("down")) {
                        t.families.values().forEach(f -> f.consecutiveFailed = 0);
                        becomeUp(t, now, raised);
                    }
                }
            }
        }
        raised.forEach(alerts::raise);
    }

    /**
     * The current figures of a torrent (from the event loop, about once a second). Stored at most once
     * per probe interval; an availability falling below 1.0 from at least 1.0 raises an alert.
     */
    public void torrentSample(TorrentHealth t) {
        torrents.put(t.infoHash(), t);
        Alert alert = null;
        synchronized (this) {
            Long stored = lastSampleStored.get(t.infoHash());
            if (stored == null || t.atMillis() - stored >= intervalMillis) {
                lastSampleStored.put(t.infoHash(), t.atMillis());
                store.record(t);
            }
            Double before = lastAvailability.get(t.infoHash());
            if (t.availability() != null) {
                if (before != null && before >= 1.0 && t.availability() < 1.0) {
                    alert = new Alert("availability-low", t.infoHash(), t.atMillis(), "torrent " + t.infoHash()
                            + (t.name() == null ? "" : " (" + t.name() + ")") + ": availability "
                            + String.format(java.util.Locale.ROOT, "%.3f", t.availability())
                            + ", no full copy among " + t.peersConnected() + " connected peers", t.availability());
                }
                lastAvailability.put(t.infoHash(), t.availability());
            }
        }
        if (alert != null) {
            alerts.raise(alert);
        }
    }

    /** Forgets torrents no longer in the bridge. */
    public synchronized void retainTorrents(Collection<String> infoHashes) {
        torrents.keySet().retainAll(infoHashes);
        lastSampleStored.keySet().retainAll(infoHashes);
        lastAvailability.keySet().retainAll(infoHashes);
    }

    /** False while the tracker is down: it is then neither sent in lt_tex nor published. Lock-free. */
    public boolean advertisable(String url) {
        return !down.contains(url);
    }

    @Override
    public List<TrackerHealth> trackers() {
        List<String> urls;
        synchronized (this) {
            urls = List.copyOf(trackers.keySet());
        }
        Map<String, TrackerRanking.Rank> ranks = new HashMap<>();
        for (TrackerRanking.Rank r : ranking.get()) {
            ranks.put(r.url(), r);
        }
        List<TrackerHealth> out = new ArrayList<>();
        for (String u : urls) {
            TrackerHealth h = health(u, ranks.get(u));
            if (h != null) {
                out.add(h);
            }
        }
        out.sort(Comparator.comparing((TrackerHealth h) -> !h.state().equals("up"))
                .thenComparing(h -> h.uptime24h() == null ? -1 : -h.uptime24h())
                .thenComparing(h -> h.latencyP50Millis() == null ? Long.MAX_VALUE : h.latencyP50Millis())
                .thenComparing(TrackerHealth::url));
        return out;
    }

    @Override
    public TrackerHealth tracker(String url) {
        TrackerRanking.Rank rank = ranking.get().stream().filter(r -> r.url().equals(url)).findFirst().orElse(null);
        return health(url, rank);
    }

    private TrackerHealth health(String url, TrackerRanking.Rank rank) {
        long now = clock.getAsLong();
        TrackerHealth partial;
        synchronized (this) {
            TrackerState t = trackers.get(url);
            if (t == null) {
                return null;
            }
            List<Long> lat = new ArrayList<>(t.latencies);
            lat.sort(null);
            List<TrackerHealth.FamilyHealth> fam = new ArrayList<>();
            t.families.forEach((k, f) -> fam.add(new TrackerHealth.FamilyHealth(k,
                    f.consecutiveFailed >= FAILURES_FOR_DOWN ? "down" : f.probed && f.consecutiveFailed == 0 ? "up"
                            : t.state, f.consecutiveFailed, percent(f.last), f.lastLatency, f.lastError)));
            long since = t.stateSince == null ? 0 : Math.max(0, now - t.stateSince);
            int returned = t.peersReturned.values().stream().mapToInt(Integer::intValue).sum();
            partial = new TrackerHealth(url, t.state, !down.contains(url), null, null, null, percent(t.lastProbes),
                    t.lastProbes.size(), percentile(lat, 50), percentile(lat, 95), lat.size(), t.stateSince,
                    t.state.equals("up") ? since : 0, t.state.equals("down") ? since : 0, t.seeders, t.leechers,
                    t.downloads, returned, rank == null ? 0 : rank.distinctPeers(),
                    rank == null ? 0 : rank.uniquePeers(), t.lastProbe, t.lastError, fam);
        }
        Double d1;
        Double d7;
        Double d30;
        try {
            d1 = store.uptime(url, now - DAY, now + 1);
            d7 = store.uptime(url, now - 7 * DAY, now + 1);
            d30 = store.uptime(url, now - 30 * DAY, now + 1);
        } catch (HistoryStoreException e) {
            LOG.warn("{}", e.getMessage());
            d1 = d7 = d30 = null;
        }
        TrackerHealth p = partial;
        return new TrackerHealth(p.url(), p.state(), p.advertised(), d1, d7, d30, p.uptimeLastN(), p.lastN(),
                p.latencyP50Millis(), p.latencyP95Millis(), p.latencySamples(), p.stateSinceMillis(),
                p.workingForMillis(), p.downForMillis(), p.seeders(), p.leechers(), p.downloads(), p.peersReturned(),
                p.distinctPeers(), p.marginalPeers(), p.lastProbeMillis(), p.lastError(), p.families());
    }

    private static Double percent(Collection<Boolean> oks) {
        if (oks.isEmpty()) {
            return null;
        }
        long ok = oks.stream().filter(Boolean::booleanValue).count();
        return 100.0 * ok / oks.size();
    }

    /** Nearest-rank percentile of sorted samples, null if none. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    @Override
    public List<TorrentHealth> torrents() {
        return torrents.values().stream().sorted(Comparator.comparing(TorrentHealth::infoHash)).toList();
    }

    @Override
    public List<HistoryPoint> trackerHistory(String url, long fromMillis, long toMillis) {
        return store.trackerHistory(url, fromMillis, toMillis);
    }

    @Override
    public List<TorrentPoint> torrentHistory(String infoHash, long fromMillis, long toMillis) {
        return store.torrentHistory(infoHash, fromMillis, toMillis);
    }

    @Override
    public List<ProbeResult> responseLog(String url, int n) {
        synchronized (this) {
            TrackerState t = trackers.get(url);
            if (t != null && n <= t.log.size()) {
                return t.log.stream().limit(Math.max(0, n)).toList();
            }
        }
        store.flush();
        return store.recent(url, n);
    }

    @Override
    public List<Alert> alerts(int n) {
        return alerts.last(n);
    }

    /** The configuration it runs with. */
    public BridgeConfig.Health config() {
        return config;
    }

    @Override
    public void close() {
        probes.close();
        alerts.close();
        store.close();
    }
}
