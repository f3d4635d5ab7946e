package dev.swarm.peerbridge.trackers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * When to announce to which tracker of one torrent (BEP 12 tiers, libtorrent backoff).
 *
 * <p>Each tier is shuffled once. In strict BEP 12 mode a tier's trackers are tried in order, a
 * tracker that answers moves to the front of its tier and is then the only one of its tier used,
 * and a tier is only used while every tracker of the tiers before it is failing. In
 * announce-to-all mode (the default: ranking needs every tracker's answer) every tracker is
 * announced to on its own schedule. Learned trackers form a last tier that is always announced to
 * (they must answer to be verified). After an answer the next announce is due after the
 * tracker's interval, clamped to [{@code minInterval}, {@code maxInterval}] and never before its
 * {@code min interval}; after a failure, after {@link Backoff}. Times are milliseconds from an
 * injected clock. Not thread-safe.
 */
public final class AnnounceSchedule {
    private static final class Slot {
        long nextAt;
        boolean inFlight;
        Boolean lastOk;
    }

    private final List<List<String>> tiers = new ArrayList<>();
    private final List<String> learned = new ArrayList<>();
    private final Map<String, Slot> slots = new HashMap<>();
    private final boolean announceToAll;
    private final Duration minInterval;
    private final Duration maxInterval;

    public AnnounceSchedule(List<List<String>> torrentTiers, boolean announceToAll, Duration minInterval,
            Duration maxInterval, Random random) {
        this.announceToAll = announceToAll;
        this.minInterval = minInterval;
        this.maxInterval = maxInterval;
        for (List<String> tier : torrentTiers) {
            List<String> t = new ArrayList<>();
            for (String url : tier) {
                if (!slots.containsKey(url)) {
                    slots.put(url, new Slot());
                    t.add(url);
                }
            }
            if (!t.isEmpty()) {
                Collections.shuffle(t, random);
                tiers.add(t);
            }
        }
    }

    /** Adds a learned tracker, due at once. */
    public void addLearned(String url) {
        if (!slots.containsKey(url)) {
            slots.put(url, new Slot());
            learned.add(url);
        }
    }

    /** Forgets a tracker (a dropped learned one). */
    public void remove(String url) {
        if (slots.remove(url) != null) {
            learned.remove(url);
            for (List<String> t : tiers) {
                t.remove(url);
            }
        }
    }

    /** The trackers to announce to now; the caller then calls {@link #started} for each. */
    public List<String> due(long nowMillis) {
        List<String> out = new ArrayList<>();
        if (announceToAll) {
            for (List<String> t : tiers) {
                addDue(t, nowMillis, out);
            }
        } else {
            for (List<String> t : tiers) {
                String active = null;
                for (String url : t) {
                    if (!Boolean.FALSE.equals(slots.get(url).lastOk)) {
                        active = url;
                        break;
                    }
                }
                if (active != null) {
                    addDue(List.of(active), nowMillis, out);
                    break;
                }
                addDue(t, nowMillis, out);
            }
        }
        addDue(learned, nowMillis, out);
        return out;
    }

    private void addDue(List<String> urls, long now, List<String> out) {
        for (String url : urls) {
            Slot s = slots.get(url);
            if (!s.inFlight && s.nextAt <= now) {
                out.add(url);
            }
        }
    }

    public void started(String url) {
        Slot s = slots.get(url);
        if (s != null) {
            s.inFlight = true;
        }
    }

    /** A valid response; {@code interval} and {@code trackerMinInterval} in seconds as the tracker sent them. */
    public void succeeded(String url, long nowMillis, int interval, int trackerMinInterval) {
        Slot s = slots.get(url);
        if (s == null) {
            return;
        }
        s.inFlight = false;
        s.lastOk = true;
        long seconds = Math.max(minInterval.toSeconds(), Math.min(maxInterval.toSeconds(), interval));
        seconds = Math.max(seconds, trackerMinInterval);
        s.nextAt = nowMillis + seconds * 1000;
        for (List<String> t : tiers) {
            if (t.remove(url)) {
                t.add(0, url);
            }
        }
    }

    /** A failed announce, the {@code consecutiveFailures}-th in a row. */
    public void failed(String url, long nowMillis, int consecutiveFailures, Duration trackerRetry) {
        Slot s = slots.get(url);
        if (s == null) {
            return;
        }
        s.inFlight = false;
        s.lastOk = false;
        s.nextAt = nowMillis + Backoff.delay(consecutiveFailures, trackerRetry).toMillis();
    }

    /** The announce in flight ended without an answer that counts; the tracker is due again at once. */
    public void retryNow(String url, long nowMillis) {
        Slot s = slots.get(url);
        if (s != null) {
            s.inFlight = false;
            s.nextAt = nowMillis;
        }
    }

    /** When the tracker is next due, or -1 if unknown. */
    public long nextAt(String url) {
        Slot s = slots.get(url);
        return s == null ? -1 : s.nextAt;
    }

    /** The tiers in their current order (learned tracker last, as one tier). */
    public List<List<String>> order() {
        List<List<String>> out = new ArrayList<>();
        tiers.forEach(t -> out.add(List.copyOf(t)));
        if (!learned.isEmpty()) {
            out.add(List.copyOf(learned));
        }
        return out;
    }
}
