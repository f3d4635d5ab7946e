package dev.swarm.peerbridge.tex;

import dev.swarm.peerbridge.net.AddressFilter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trackers of one torrent and what BEP 28 lets us do with each: the ones named by the
 * torrent, the ones learned from peers (candidates until they answer), which are verified and
 * therefore advertisable, which are failing.
 *
 * <p>URLs are kept and advertised exactly as received (libtorrent compares them byte for byte, so a
 * rewritten URL would be a second tracker to it); they are normalised ({@link TrackerUrl#check}: scheme
 * and host lower-cased) only to compare: {@code http://LOCALHOST:1/a} and {@code http://localhost:1/a}
 * are one tracker, kept in the form first seen. Every method taking a URL accepts either form.
 *
 * <p>Rules: a learned URL passes {@link TrackerUrl#check}, the address check (a host that is an IP
 * literal in a loopback, private, link-local, multicast or unspecified range, or a {@code localhost}
 * name, is refused unless the policy allows private addresses; names are checked again on their
 * resolved addresses at request time) and the per-torrent cap; trackers of the torrent itself are
 * trusted and never address-checked; a private
 * torrent (BEP 27) learns nothing and advertises nothing; a tracker is advertisable only while
 * {@link Status#VERIFIED}; a verified tracker that fails {@code failuresBeforeWithdraw} times in a
 * row becomes {@link Status#FAILING} until it answers again; a learned tracker that fails
 * {@code learnedFailureLimit} times in a row is dropped and not re-learned while it is among the
 * last dropped ones. Times are milliseconds from an injected clock. Not thread-safe: the owner
 * serialises calls.
 */
public final class TrackerSet {
    /** Where a tracker came from. */
    public enum Origin { TORRENT, LEARNED }

    /** What we know about it. */
    public enum Status {
        /** Not yet answered with a valid announce response. */
        CANDIDATE,
        /** Answered validly, and has not failed since (beyond the withdraw limit). */
        VERIFIED,
        /** Was verified, now keeps failing: not advertised. */
        FAILING
    }

    /** Outcome of {@link #learn}. */
    public enum LearnResult { ADDED, KNOWN, PRIVATE, INVALID, REFUSED_ADDRESS, CAP_REACHED, RECENTLY_DROPPED }

    /** True if the tracker is one a peer gave us (its requests are address-checked). */
    public boolean isLearned(String url) {
        Entry e = entries.get(key(url));
        return e != null && e.origin == Origin.LEARNED;
    }

    /** A snapshot of one tracker. */
    public record Tracker(String url, Origin origin, int tier, Status status, int consecutiveFailures,
            long successes, long failures, long lastSuccessMillis, long lastFailureMillis) {
    }

    private static final class Entry {
        final String url;
        final Origin origin;
        final int tier;
        Status status;
        int consecutiveFailures;
        long successes;
        long failures;
        long lastSuccess = -1;
        long lastFailure = -1;

        Entry(String url, Origin origin, int tier, Status status) {
            this.url = url;
            this.origin = origin;
            this.tier = tier;
            this.status = status;
        }

        Tracker snapshot() {
            return new Tracker(url, origin, tier, status, consecutiveFailures, successes, failures, lastSuccess,
                    lastFailure);
        }
    }

    private final boolean privateTorrent;
    private final TexPolicy policy;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Normalised URL to the URL as dropped. */
    private final Map<String, String> recentlyDropped;
    private int learnedCount;
    private final int learnedTier;

    /**
     * @param tiers the torrent's trackers (BEP 12 tiers, first tier first); invalid URLs are skipped
     */
    public TrackerSet(boolean privateTorrent, List<List<String>> tiers, TexPolicy policy) {
        this.privateTorrent = privateTorrent;
        this.policy = policy;
        int dropMemory = Math.max(16, policy.maxLearned() * 4);
        this.recentlyDropped = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > dropMemory;
            }
        };
        Status initial = policy.trustTorrentTrackers() ? Status.VERIFIED : Status.CANDIDATE;
        int tier = 0;
        for (List<String> urls : tiers) {
            boolean any = false;
            for (String raw : urls) {
                TrackerUrl.Check c = TrackerUrl.check(raw);
                if (c.accepted() && !entries.containsKey(c.url())) {
                    entries.put(c.url(), new Entry(raw, Origin.TORRENT, tier, initial));
                    any = true;
                }
            }
            if (any) {
                tier++;
            }
        }
        this.learnedTier = tier;
    }

    public boolean isPrivate() {
        return privateTorrent;
    }

    /** Adds a URL a peer sent (BEP 28 {@code added}). Never throws. */
    public LearnResult learn(String raw) {
        if (privateTorrent) {
            return LearnResult.PRIVATE;
        }
        TrackerUrl.Check c = TrackerUrl.check(raw);
        if (!c.accepted()) {
            return LearnResult.INVALID;
        }
        if (entries.containsKey(c.url())) {
            return LearnResult.KNOWN;
        }
        if (!policy.allowPrivateAddresses() && refusedHost(TrackerUrl.host(c.url()))) {
            return LearnResult.REFUSED_ADDRESS;
        }
        if (recentlyDropped.containsKey(c.url())) {
            return LearnResult.RECENTLY_DROPPED;
        }
        if (learnedCount >= policy.maxLearned()) {
            return LearnResult.CAP_REACHED;
        }
        entries.put(c.url(), new Entry(raw, Origin.LEARNED, learnedTier, Status.CANDIDATE));
        learnedCount++;
        return LearnResult.ADDED;
    }

    /** A lower-case host that is an IP literal of a refused class, or a {@code localhost} name (RFC 6761). */
    private static boolean refusedHost(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (!host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'))) {
            return false;
        }
        String[] parts = host.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(parts[i]);
        }
        return AddressFilter.classify(a) != null;
    }

    /** The normalised form of a URL, the key it is compared by (the URL itself if it is not acceptable). */
    private static String key(String url) {
        TrackerUrl.Check c = TrackerUrl.check(url);
        return c.accepted() ? c.url() : url;
    }

    /**
     * Learns every URL of one message, looking at no more than the policy's per-message bound.
     *
     * @return the URLs that were added, as received
     */
    public List<String> learnAll(Collection<String> urls) {
        List<String> added = new ArrayList<>();
        int seen = 0;
        for (String url : urls) {
            if (seen++ >= policy.maxUrlsPerMessage()) {
                break;
            }
            if (learn(url) == LearnResult.ADDED) {
                added.add(url);
            }
        }
        return added;
    }

    /** Learned trackers dropped lately (most recent last), bounded. */
    public List<String> recentlyDropped() {
        return List.copyOf(recentlyDropped.values());
    }

    /** A valid announce response arrived from {@code url} (see the trackers package for "valid"). */
    public void recordSuccess(String url, long nowMillis) {
        Entry e = entries.get(key(url));
        if (e == null) {
            return;
        }
        e.successes++;
        e.consecutiveFailures = 0;
        e.lastSuccess = nowMillis;
        e.status = Status.VERIFIED;
    }

    /** An announce to {@code url} failed (timeout, error, invalid or failure response). */
    public void recordFailure(String url, long nowMillis) {
        String key = key(url);
        Entry e = entries.get(key);
        if (e == null) {
            return;
        }
        e.failures++;
        e.consecutiveFailures++;
        e.lastFailure = nowMillis;
        if (e.origin == Origin.LEARNED && e.consecutiveFailures >= policy.learnedFailureLimit()) {
            entries.remove(key);
            learnedCount--;
            recentlyDropped.put(key, e.url);
            return;
        }
        if (e.status == Status.VERIFIED && e.consecutiveFailures >= policy.failuresBeforeWithdraw()) {
            e.status = Status.FAILING;
        }
    }

    /** True if the URL is in the set (not dropped). */
    public boolean contains(String url) {
        return entries.containsKey(key(url));
    }

    /** The URLs we may advertise, in tracker order; empty for a private torrent. */
    public List<String> advertisable() {
        if (privateTorrent) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.status == Status.VERIFIED) {
                out.add(e.url);
            }
        }
        return out;
    }

    /** Every tracker in the set, by tier then insertion order. */
    public List<Tracker> trackers() {
        List<Tracker> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            out.add(e.snapshot());
        }
        out.sort((a, b) -> Integer.compare(a.tier(), b.tier()));
        return out;
    }

    /** The snapshot of one tracker, or null. */
    public Tracker tracker(String url) {
        Entry e = entries.get(key(url));
        return e == null ? null : e.snapshot();
    }

    public int learnedCount() {
        return learnedCount;
    }
}
