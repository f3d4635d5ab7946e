package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.PeerId;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Per (user, torrent) accounting from the counters clients announce.
 *
 * <p>A <em>session</em> is one client instance on one torrent, keyed by (user, info-hash, peer_id); it remembers
 * the {@code uploaded}/{@code downloaded} values of its last announce, and each announce adds the difference to
 * the (user, torrent) account. Clients count from zero when they start, so:
 * <ul>
 *   <li>a {@code started} event, or either counter lower than last time (a restart or counter reset without
 *       {@code started}), resets the session: the new values are counted in full, from 0, never negative;</li>
 *   <li>a session seen for the first time without {@code started} (it began before its sessions were known,
 *       e.g. its state was lost) only sets the baseline: nothing is counted, so nothing is counted twice;</li>
 *   <li>{@code stopped} counts its delta and ends the session.</li>
 * </ul>
 * Negative values (UDP carries signed counters) count as 0, sums saturate at {@link Long#MAX_VALUE}.
 * Seeding time is the time between two announces of a session that was a seeder at the first of them, when
 * that gap is within the peer timeout (a longer gap means the tracker had dropped the peer). A {@code completed}
 * event counts once per session.
 *
 * <p>Thread-safe. Announces hold a shared lock; {@link #drainDirty} takes it exclusively for a moment, so a
 * flushed batch is a consistent cut: an account and the session baselines that produced it are written together.
 */
public final class Accounting {
    /** What {@link #record} did. */
    public enum Result { COUNTED, BASELINE, NO_ROOM }

    private record AccountKey(String user, InfoHash infoHash) {
    }

    private record SessionKey(String user, InfoHash infoHash, PeerId peerId) {
    }

    private static final class Account {
        long uploaded;
        long downloaded;
        long downloadedFreeleech;
        long seedingMillis;
        long completed;
        long lastMillis;
        /** When the first counted {@code completed} event came; 0 before. */
        long completedAtMillis;
        /** The last accounted announce had {@code left > 0} and was not {@code stopped}. */
        boolean leeching;
        /** Swarm counts (of the announce's address family, without the member) at the last {@code stopped}; -1: none. */
        int stopSeeders = -1;
        int stopLeechers = -1;
        long stopMillis;
    }

    /** One member's sums over all their accounts. */
    private static final class Totals {
        long uploaded;
        long downloaded;
        long downloadedFreeleech;
        long seedingMillis;
    }

    private static final class Session {
        long uploaded;
        long downloaded;
        long lastMillis;
        boolean seeder;
        boolean completed;
        boolean ended;
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final long maxAccounts;
    private final int maxSessions;
    private final long peerTimeoutMillis;
    private final Map<AccountKey, Account> accounts = new ConcurrentHashMap<>();
    private final Map<SessionKey, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Totals> totals = new ConcurrentHashMap<>();
    private final Set<AccountKey> dirtyAccounts = ConcurrentHashMap.newKeySet();
    private final Set<SessionKey> dirtySessions = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock cut = new ReentrantReadWriteLock();

    Accounting(long maxAccounts, int maxSessions, long peerTimeoutMillis) {
        this.maxAccounts = maxAccounts;
        this.maxSessions = maxSessions;
        this.peerTimeoutMillis = peerTimeoutMillis;
    }

    /**
     * Accounts one accepted announce of {@code user}.
     *
     * @param freeleech whether the torrent is freeleech now (its downloads also go to {@code downloaded_freeleech})
     * @return {@link Result#NO_ROOM} when the account or session table is full and nothing was recorded
     */
    public Result record(String user, byte[] infoHash, byte[] peerId, long uploaded, long downloaded, long left,
                         AnnounceEvent event, boolean freeleech, long nowMillis) {
        InfoHash ih = InfoHash.of(infoHash, 0);
        SessionKey sk = new SessionKey(user, ih, PeerId.of(peerId, 0));
        AccountKey ak = new AccountKey(user, ih);
        long up = Math.max(0, uploaded);
        long down = Math.max(0, downloaded);
        cut.readLock().lock();
        try {
            Session s = sessions.get(sk);
            if (s == null && event == AnnounceEvent.STOPPED) {
                return Result.BASELINE;
            }
            Account a = accounts.get(ak);
            if (a == null) {
                if (accounts.size() >= maxAccounts) {
                    return Result.NO_ROOM;
                }
                a = accounts.computeIfAbsent(ak, k -> new Account());
            }
            boolean fresh = false;
            if (s == null) {
                if (sessions.size() >= maxSessions) {
                    return Result.NO_ROOM;
                }
                Session created = new Session();
                s = sessions.putIfAbsent(sk, created);
                if (s == null) {
                    s = created;
                    fresh = true;
                }
            }
            synchronized (s) {
                if (s.ended) {
                    return Result.BASELINE; // a concurrent 'stopped' of the same peer won
                }
                boolean started = event == AnnounceEvent.STARTED;
                long dUp;
                long dDown;
                long seeding = 0;
                if (fresh) {
                    dUp = started ? up : 0;
                    dDown = started ? down : 0;
                } else if (started || up < s.uploaded || down < s.downloaded) {
                    dUp = up;
                    dDown = down;
                    if (started) {
                        s.completed = false;
                    }
                } else {
                    dUp = up - s.uploaded;
                    dDown = down - s.downloaded;
                }
                if (!fresh && s.seeder) {
                    long gap = nowMillis - s.lastMillis;
                    seeding = gap >= 0 && gap <= peerTimeoutMillis ? gap : 0;
                }
                boolean completedNow = event == AnnounceEvent.COMPLETED && !s.completed;
                synchronized (a) {
                    a.uploaded = add(a.uploaded, dUp);
                    a.downloaded = add(a.downloaded, dDown);
                    if (freeleech) {
                        a.downloadedFreeleech = add(a.downloadedFreeleech, dDown);
                    }
                    a.seedingMillis = add(a.seedingMillis, seeding);
                    if (completedNow) {
                        a.completed++;
                        if (a.completedAtMillis == 0) {
                            a.completedAtMillis = nowMillis;
                        }
                    }
                    a.lastMillis = nowMillis;
                    a.leeching = left > 0 && event != AnnounceEvent.STOPPED;
                }
                Totals t = totals.computeIfAbsent(user, k -> new Totals());
                synchronized (t) {
                    t.uploaded = add(t.uploaded, dUp);
                    t.downloaded = add(t.downloaded, dDown);
                    if (freeleech) {
                        t.downloadedFreeleech = add(t.downloadedFreeleech, dDown);
                    }
                    t.seedingMillis = add(t.seedingMillis, seeding);
                }
                s.uploaded = up;
                s.downloaded = down;
                s.lastMillis = nowMillis;
                s.seeder = left == 0;
                s.completed |= completedNow;
                if (event == AnnounceEvent.STOPPED) {
                    s.ended = true;
                    sessions.remove(sk, s);
                }
                dirtyAccounts.add(ak);
                dirtySessions.add(sk);
                return fresh && !started ? Result.BASELINE : Result.COUNTED;
            }
        } finally {
            cut.readLock().unlock();
        }
    }

    private static long add(long a, long b) {
        long r = a + b;
        return r < a ? Long.MAX_VALUE : r;
    }

    /**
     * Remembers the swarm's seeders and leechers (of the announce's address family, after the member left) at a
     * {@code stopped} of {@code user}; nothing when the user has no account on the torrent.
     */
    public void recordStop(String user, byte[] infoHash, int seeders, int leechers, long nowMillis) {
        AccountKey ak = new AccountKey(user, InfoHash.of(infoHash, 0));
        cut.readLock().lock();
        try {
            Account a = accounts.get(ak);
            if (a == null) {
                return;
            }
            synchronized (a) {
                a.stopSeeders = seeders;
                a.stopLeechers = leechers;
                a.stopMillis = nowMillis;
            }
            dirtyAccounts.add(ak);
        } finally {
            cut.readLock().unlock();
        }
    }

    /**
     * Whether {@code user} is downloading this torrent already: the account exists, has no {@code completed}, and
     * either has downloaded bytes or its last announce (within the peer timeout) was a leecher's.
     */
    public boolean downloading(String user, InfoHash infoHash, long nowMillis) {
        Account a = accounts.get(new AccountKey(user, infoHash));
        if (a == null) {
            return false;
        }
        synchronized (a) {
            return a.completed == 0 && (a.downloaded > 0 || a.leeching && nowMillis - a.lastMillis <= peerTimeoutMillis);
        }
    }

    /** A member's sums over all their torrents. */
    public MemberTotals totals(String user) {
        Totals t = totals.get(user);
        if (t == null) {
            return new MemberTotals(0, 0, 0, 0);
        }
        synchronized (t) {
            return new MemberTotals(t.uploaded, t.downloaded, t.downloadedFreeleech, t.seedingMillis);
        }
    }

    /** Every member with an account. */
    public Set<String> members() {
        return Set.copyOf(totals.keySet());
    }

    /** Whether {@code user} has an account (a removed user's accounting is kept under the name). */
    public boolean hasMember(String user) {
        return totals.containsKey(user);
    }

    /** Sums the accounts into the per-member totals (after loading; single-threaded). */
    void rebuildTotals() {
        totals.clear();
        accounts.forEach((k, a) -> {
            Totals t = totals.computeIfAbsent(k.user(), u -> new Totals());
            t.uploaded = add(t.uploaded, a.uploaded);
            t.downloaded = add(t.downloaded, a.downloaded);
            t.downloadedFreeleech = add(t.downloadedFreeleech, a.downloadedFreeleech);
            t.seedingMillis = add(t.seedingMillis, a.seedingMillis);
        });
    }

    /** The account of one user on one torrent, or null. */
    public AccountView account(String user, InfoHash infoHash) {
        AccountKey k = new AccountKey(user, infoHash);
        Account a = accounts.get(k);
        return a == null ? null : view(k, a);
    }

    /**
     * Accounts matching the filters (null matches all), ordered by user then info-hash.
     *
     * @param limit most rows returned
     */
    public List<AccountView> accounts(String user, InfoHash infoHash, int limit) {
        List<AccountView> out = new ArrayList<>();
        for (Map.Entry<AccountKey, Account> e : accounts.entrySet()) {
            AccountKey k = e.getKey();
            if ((user == null || user.equals(k.user())) && (infoHash == null || infoHash.equals(k.infoHash()))) {
                out.add(view(k, e.getValue()));
            }
        }
        out.sort(Comparator.comparing(AccountView::user).thenComparing(AccountView::infoHash));
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** Every account, unordered, one at a time (for the JSON-lines export). */
    public void forEachAccount(Consumer<AccountView> sink) {
        accounts.forEach((k, a) -> sink.accept(view(k, a)));
    }

    public int accountCount() {
        return accounts.size();
    }

    public int sessionCount() {
        return sessions.size();
    }

    private static AccountView view(AccountKey k, Account a) {
        synchronized (a) {
            return new AccountView(k.user(), k.infoHash().toHex(), a.uploaded, a.downloaded, a.downloadedFreeleech,
                    a.seedingMillis / 1000, a.completed, a.lastMillis, a.completedAtMillis,
                    a.stopSeeders < 0 ? null : new AccountView.Stop(a.stopSeeders, a.stopLeechers, a.stopMillis));
        }
    }

    /** Drops sessions not seen for longer than the peer timeout (their peers are gone from the swarm too). */
    int expire(long nowMillis) {
        int n = 0;
        for (Map.Entry<SessionKey, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            synchronized (s) {
                if (nowMillis - s.lastMillis > peerTimeoutMillis) {
                    s.ended = true;
                    sessions.remove(e.getKey(), s);
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Journal records for everything changed since the last call: a consistent cut (see the class comment).
     * Ended sessions become {@code session-ended} records.
     */
    List<ObjectNode> drainDirty() {
        // Under the exclusive lock only copy numbers (announces wait for it); build JSON afterwards.
        List<Map.Entry<AccountKey, Account>> accountCopies = new ArrayList<>();
        List<Map.Entry<SessionKey, Session>> sessionCopies = new ArrayList<>();
        cut.writeLock().lock();
        try {
            for (AccountKey k : dirtyAccounts) {
                Account a = accounts.get(k);
                if (a != null) {
                    accountCopies.add(new SimpleImmutableEntry<>(k, copy(a)));
                }
            }
            dirtyAccounts.clear();
            for (SessionKey k : dirtySessions) {
                Session s = sessions.get(k);
                sessionCopies.add(new SimpleImmutableEntry<>(k, s == null ? null : copy(s)));
            }
            dirtySessions.clear();
        } finally {
            cut.writeLock().unlock();
        }
        List<ObjectNode> out = new ArrayList<>(accountCopies.size() + sessionCopies.size());
        for (Map.Entry<AccountKey, Account> c : accountCopies) {
            out.add(accountRecord(c.getKey(), c.getValue()));
        }
        for (Map.Entry<SessionKey, Session> c : sessionCopies) {
            out.add(c.getValue() == null ? sessionEnded(c.getKey()) : sessionRecord(c.getKey(), c.getValue()));
        }
        return out;
    }

    /** Announces are excluded while this runs (exclusive lock), so the fields are stable. */
    private static Account copy(Account a) {
        Account c = new Account();
        c.uploaded = a.uploaded;
        c.downloaded = a.downloaded;
        c.downloadedFreeleech = a.downloadedFreeleech;
        c.seedingMillis = a.seedingMillis;
        c.completed = a.completed;
        c.lastMillis = a.lastMillis;
        c.completedAtMillis = a.completedAtMillis;
        c.leeching = a.leeching;
        c.stopSeeders = a.stopSeeders;
        c.stopLeechers = a.stopLeechers;
        c.stopMillis = a.stopMillis;
        return c;
    }

    private static Session copy(Session s) {
        Session c = new Session();
        c.uploaded = s.uploaded;
        c.downloaded = s.downloaded;
        c.lastMillis = s.lastMillis;
        c.seeder = s.seeder;
        c.completed = s.completed;
        return c;
    }

    /**
     * Every live account, then every live session, for compaction. Not a single cut (announces go on): accounts
     * are read first, so an announce that slips in between can only make the file lose its delta (written by the
     * next flush anyway), never count it twice.
     */
    void writeState(Consumer<ObjectNode> sink) {
        accounts.forEach((k, a) -> sink.accept(accountRecord(k, a)));
        sessions.forEach((k, s) -> sink.accept(sessionRecord(k, s)));
    }

    private static ObjectNode accountRecord(AccountKey k, Account a) {
        ObjectNode n = NODES.objectNode();
        synchronized (a) {
            n.put("type", "account").put("user", k.user()).put("info_hash", k.infoHash().toHex())
                    .put("uploaded", a.uploaded).put("downloaded", a.downloaded)
                    .put("downloaded_freeleech", a.downloadedFreeleech).put("seeding_ms", a.seedingMillis)
                    .put("completed", a.completed).put("last", a.lastMillis);
            if (a.completedAtMillis != 0) {
                n.put("completed_at", a.completedAtMillis);
            }
            if (a.leeching) {
                n.put("leeching", true);
            }
            if (a.stopSeeders >= 0) {
                n.put("stop_seeders", a.stopSeeders).put("stop_leechers", a.stopLeechers).put("stop_at", a.stopMillis);
            }
        }
        return n;
    }

    private static ObjectNode sessionRecord(SessionKey k, Session s) {
        ObjectNode n = NODES.objectNode();
        synchronized (s) {
            n.put("type", "session").put("user", k.user()).put("info_hash", k.infoHash().toHex())
                    .put("peer_id", k.peerId().toHex()).put("uploaded", s.uploaded).put("downloaded", s.downloaded)
                    .put("last", s.lastMillis).put("seeder", s.seeder).put("completed", s.completed);
        }
        return n;
    }

    private static ObjectNode sessionEnded(SessionKey k) {
        return NODES.objectNode().put("type", "session-ended").put("user", k.user()).put("info_hash", k.infoHash().toHex())
                .put("peer_id", k.peerId().toHex());
    }

    /**
     * Applies one journal record of type {@code account}, {@code session} or {@code session-ended} (while loading;
     * single-threaded). Sessions older than the peer timeout at {@code nowMillis} are dropped.
     *
     * @throws IllegalArgumentException if a field is missing or malformed
     */
    void load(JsonNode r, long nowMillis) {
        String type = r.path("type").asText();
        String user = requireText(r, "user");
        InfoHash ih = InfoHash.fromHex(requireText(r, "info_hash"));
        switch (type) {
            case "account" -> {
                Account a = new Account();
                a.uploaded = requireLong(r, "uploaded");
                a.downloaded = requireLong(r, "downloaded");
                a.downloadedFreeleech = requireLong(r, "downloaded_freeleech");
                a.seedingMillis = requireLong(r, "seeding_ms");
                a.completed = requireLong(r, "completed");
                a.lastMillis = requireLong(r, "last");
                a.completedAtMillis = r.path("completed_at").asLong(0);
                a.leeching = r.path("leeching").asBoolean(false);
                if (r.has("stop_seeders")) {
                    a.stopSeeders = (int) requireLong(r, "stop_seeders");
                    a.stopLeechers = (int) requireLong(r, "stop_leechers");
                    a.stopMillis = requireLong(r, "stop_at");
                }
                accounts.put(new AccountKey(user, ih), a);
            }
            case "session" -> {
                SessionKey k = new SessionKey(user, ih, PeerId.fromHex(requireText(r, "peer_id")));
                Session s = new Session();
                s.uploaded = requireLong(r, "uploaded");
                s.downloaded = requireLong(r, "downloaded");
                s.lastMillis = requireLong(r, "last");
                s.seeder = r.path("seeder").asBoolean();
                s.completed = r.path("completed").asBoolean();
                if (nowMillis - s.lastMillis > peerTimeoutMillis) {
                    sessions.remove(k);
                } else {
                    sessions.put(k, s);
                }
            }
            case "session-ended" -> sessions.remove(new SessionKey(user, ih, PeerId.fromHex(requireText(r, "peer_id"))));
            default -> throw new IllegalArgumentException("not an accounting record: " + type);
        }
    }

    static String requireText(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not text");
        }
        return v.asText();
    }

    static long requireLong(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a whole number");
        }
        return v.asLong();
    }
}
