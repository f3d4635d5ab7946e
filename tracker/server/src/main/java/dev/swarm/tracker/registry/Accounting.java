package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.PeerId;
import java.util.AbstractList;
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
 *       e.g. its state was lost) only sets the baseline: nothing is counted, so nothing is counted twice; a
 *       {@code completed} that opens a session is not counted either, so {@code completed}, {@code stopped},
 *       {@code completed}, ... counts no download;</li>
 *   <li>{@code stopped} counts its delta and ends the session.</li>
 * </ul>
 * Negative values (UDP carries signed counters) count as 0, sums saturate at {@link Long#MAX_VALUE}.
 * Seeding time is the time between two announces of a session that was a seeder at the first of them, when
 * that gap is within the peer timeout (a longer gap means the tracker had dropped the peer). A {@code completed}
 * event counts once per session.
 *
 * <p>In a cluster ({@link Registry#share}) the same rules are applied by the cluster's accounting, against the
 * last counters any node saw for the session: every accepted announce is handed to {@link SharedRegistry#observe},
 * this node counts nothing itself, and it adopts the accounts the cluster computes ({@link #applyShared}).
 *
 * <p>Thread-safe. Announces hold a shared lock; {@link #drainDirty} takes it exclusively for a moment, so a
 * flushed batch is a consistent cut: an account and the session baselines that produced it are written together.
 */
public final class Accounting {
    /**
     * What {@link #record} did: counted, set a baseline only, or nothing because the table was full
     * ({@code NO_ROOM}) or the user already has {@code registry.max-sessions-per-user} sessions ({@code USER_LIMIT}).
     */
    public enum Result { COUNTED, BASELINE, NO_ROOM, USER_LIMIT }

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
        /** Version of the cluster's state this account holds (0: none yet); see {@link #applyShared}. */
        long version;
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

    /** Heap of one drained entry until it is written: a map entry, a copy of the numbers, a list slot (measured). */
    public static final int DIRTY_COPY_BYTES = 100;

    private final long maxAccounts;
    private final int maxSessions;
    private final int maxSessionsPerUser;
    private final long peerTimeoutMillis;
    /** Live sessions per user, for {@code maxSessionsPerUser}; only users with a session have an entry. */
    private final Map<String, Integer> sessionsPerUser = new ConcurrentHashMap<>();
    private final Map<AccountKey, Account> accounts = new ConcurrentHashMap<>();
    private final Map<SessionKey, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Totals> totals = new ConcurrentHashMap<>();
    private final Set<AccountKey> dirtyAccounts = ConcurrentHashMap.newKeySet();
    private final Set<SessionKey> dirtySessions = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock cut = new ReentrantReadWriteLock();
    private volatile SharedRegistry shared = SharedRegistry.LOCAL;

    /**
     * An account as the cluster's system of record holds it: absolute values and the version they have there (each
     * accounted announce anywhere in the cluster makes a new version).
     */
    public record SharedAccount(String user, InfoHash infoHash, long uploaded, long downloaded, long downloadedFreeleech,
                                long seedingMillis, long completed, long completedAtMillis, long lastMillis,
                                boolean leeching, long version) {
    }

    Accounting(long maxAccounts, int maxSessions, int maxSessionsPerUser, long peerTimeoutMillis) {
        this.maxAccounts = maxAccounts;
        this.maxSessions = maxSessions;
        this.maxSessionsPerUser = maxSessionsPerUser;
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
        PeerId pid = PeerId.of(peerId, 0);
        Result r = recordLocal(user, ih, pid, uploaded, downloaded, left, event, freeleech, nowMillis);
        if (r != Result.USER_LIMIT) {
            // In a cluster the node counts nothing itself: the cluster's accounting computes the delta against the
            // last counters any node saw for the session, and every node adopts the account it results in.
            shared.observe(new SharedRegistry.Observation(user, ih, pid, uploaded, downloaded, left, event, freeleech,
                    nowMillis));
        }
        return r;
    }

    private Result recordLocal(String user, InfoHash ih, PeerId pid, long uploaded, long downloaded, long left,
                               AnnounceEvent event, boolean freeleech, long nowMillis) {
        SessionKey sk = new SessionKey(user, ih, pid);
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
                if (!addSession(user)) {
                    return Result.USER_LIMIT;
                }
                Session created = new Session();
                s = sessions.putIfAbsent(sk, created);
                if (s == null) {
                    s = created;
                    fresh = true;
                } else {
                    dropSession(user);
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
                // A fresh session only sets baselines, its completion included: otherwise a peer alternating
                // 'completed' and 'stopped' (each stop ends the session) would count a download per cycle.
                boolean completedNow = event == AnnounceEvent.COMPLETED && !fresh && !s.completed;
                if (shared != SharedRegistry.LOCAL) {
                    // In a cluster only the cluster's accounting counts (it sees the client's announces to every
                    // node); this node adopts its results. The local session still keeps the per-user limits.
                    dUp = 0;
                    dDown = 0;
                    seeding = 0;
                    completedNow = false;
                }
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
                    if (sessions.remove(sk, s)) {
                        dropSession(user);
                    }
                }
                dirtyAccounts.add(ak);
                dirtySessions.add(sk);
                return fresh && !started ? Result.BASELINE : Result.COUNTED;
            }
        } finally {
            cut.readLock().unlock();
        }
    }

    /** Hands every accounted announce to {@code s} too (see {@link Registry#share}). */
    void share(SharedRegistry s) {
        shared = s;
    }

    /**
     * Adopts the cluster's state of one account when it is newer than what this node holds (a higher version): the
     * numbers are replaced, the member's totals follow. Older or equal versions are ignored, so a state delivered
     * twice or out of order changes nothing. The last {@code stopped}'s swarm counts stay this node's.
     *
     * @return whether the account changed; false also when the account table is full
     */
    public boolean applyShared(SharedAccount s) {
        AccountKey ak = new AccountKey(s.user(), s.infoHash());
        cut.readLock().lock();
        try {
            Account a = accounts.get(ak);
            if (a == null) {
                if (accounts.size() >= maxAccounts) {
                    return false;
                }
                a = accounts.computeIfAbsent(ak, k -> new Account());
            }
            long dUp;
            long dDown;
            long dFree;
            long dSeed;
            synchronized (a) {
                if (a.version >= s.version()) {
                    return false;
                }
                dUp = s.uploaded() - a.uploaded;
                dDown = s.downloaded() - a.downloaded;
                dFree = s.downloadedFreeleech() - a.downloadedFreeleech;
                dSeed = s.seedingMillis() - a.seedingMillis;
                a.uploaded = s.uploaded();
                a.downloaded = s.downloaded();
                a.downloadedFreeleech = s.downloadedFreeleech();
                a.seedingMillis = s.seedingMillis();
                a.completed = s.completed();
                a.completedAtMillis = s.completedAtMillis();
                a.lastMillis = Math.max(a.lastMillis, s.lastMillis());
                a.leeching = s.leeching();
                a.version = s.version();
            }
            Totals t = totals.computeIfAbsent(s.user(), k -> new Totals());
            synchronized (t) {
                t.uploaded = addSigned(t.uploaded, dUp);
                t.downloaded = addSigned(t.downloaded, dDown);
                t.downloadedFreeleech = addSigned(t.downloadedFreeleech, dFree);
                t.seedingMillis = addSigned(t.seedingMillis, dSeed);
            }
            dirtyAccounts.add(ak);
            return true;
        } finally {
            cut.readLock().unlock();
        }
    }

    /** Every account with the cluster version it holds (to seed an empty cluster from this node's journal). */
    public void forEachShared(Consumer<SharedAccount> sink) {
        accounts.forEach((k, a) -> {
            SharedAccount s;
            synchronized (a) {
                s = new SharedAccount(k.user(), k.infoHash(), a.uploaded, a.downloaded, a.downloadedFreeleech,
                        a.seedingMillis, a.completed, a.completedAtMillis, a.lastMillis, a.leeching, a.version);
            }
            sink.accept(s);
        });
    }

    /** Counts a new session of {@code user}; false (nothing counted) when the user is at its limit. */
    private boolean addSession(String user) {
        boolean[] ok = {false};
        sessionsPerUser.compute(user, (u, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxSessionsPerUser) {
                return n;
            }
            ok[0] = true;
            return count + 1;
        });
        return ok[0];
    }

    private void dropSession(String user) {
        sessionsPerUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    /** Live sessions of {@code user}. */
    public int sessionCount(String user) {
        return sessionsPerUser.getOrDefault(user, 0);
    }

    /** {@code a + d} for a change {@code d} of either sign: saturating at {@link Long#MAX_VALUE}, never below 0. */
    private static long addSigned(long a, long d) {
        return d >= 0 ? add(a, d) : Math.max(0, a + d);
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
                    if (sessions.remove(e.getKey(), s)) {
                        dropSession(e.getKey().user());
                    }
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Journal records for everything changed since the last call: a consistent cut (see the class comment).
     * Ended sessions become {@code session-ended} records. The list holds copies of the numbers (about
     * {@link #DIRTY_COPY_BYTES} of heap an entry) and builds each record when it is read, so a flush of any size never
     * holds all its JSON at once.
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
        return new AbstractList<>() {
            @Override
            public ObjectNode get(int i) {
                if (i < accountCopies.size()) {
                    Map.Entry<AccountKey, Account> c = accountCopies.get(i);
                    return accountRecord(c.getKey(), c.getValue());
                }
                Map.Entry<SessionKey, Session> c = sessionCopies.get(i - accountCopies.size());
                return c.getValue() == null ? sessionEnded(c.getKey()) : sessionRecord(c.getKey(), c.getValue());
            }

            @Override
            public int size() {
                return accountCopies.size() + sessionCopies.size();
            }
        };
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
        c.version = a.version;
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
            if (a.version != 0) {
                n.put("v", a.version);
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
                a.version = r.path("v").asLong(0);
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
                    if (sessions.remove(k) != null) {
                        dropSession(user);
                    }
                } else if (sessions.put(k, s) == null) {
                    // Loading is not limited per user (the journal holds what was accepted), only counted.
                    sessionsPerUser.merge(user, 1, Integer::sum);
                }
            }
            case "session-ended" -> {
                if (sessions.remove(new SessionKey(user, ih, PeerId.fromHex(requireText(r, "peer_id")))) != null) {
                    dropSession(user);
                }
            }
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
