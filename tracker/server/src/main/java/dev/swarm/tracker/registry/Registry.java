package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.Hex;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, registered torrents and accounting, persisted in a {@link Journal} in one directory.
 *
 * <p>Reads (passkey and torrent look-ups on the announce path) are lock-free map reads of immutable records.
 * Changes through the admin API are serialised, appended and fsynced before they return, so an acknowledged
 * change survives a crash. Accounting is appended by {@link #flush()}, which the tracker calls every
 * {@code registry.flush-interval}; {@link #flush()} also drops stale sessions and compacts the journal once it
 * holds more than twice the live records (and at least {@link #COMPACT_MIN} records).
 */
public final class Registry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    static final long COMPACT_MIN = 10_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Journal journal;
    private final InstantSource clock;
    private final int maxUsers;
    private final int maxTorrents;
    private final Map<String, User> byName = new ConcurrentHashMap<>();
    private final Map<String, User> byPasskey = new ConcurrentHashMap<>();
    private final Map<InfoHash, Torrent> torrents = new ConcurrentHashMap<>();
    private final Accounting accounting;
    private final Standings standings;
    private final SecureRandom random = new SecureRandom();
    private final Object writeLock = new Object();
    private volatile SharedRegistry shared = SharedRegistry.LOCAL;
    private boolean closed;

    private Registry(Journal journal, TrackerConfig.Registry cfg, TrackerConfig.Ratio ratio, Duration peerTimeout,
                     InstantSource clock, Metrics metrics) {
        this.journal = journal;
        this.clock = clock;
        this.maxUsers = cfg.maxUsers();
        this.maxTorrents = cfg.maxTorrents();
        this.accounting = new Accounting(cfg.maxAccounts(), cfg.maxSessions(), cfg.maxSessionsPerUser(),
                peerTimeout.toMillis());
        this.standings = new Standings(new RatioRules(ratio), accounting, metrics);
    }

    /** Opens the registry without ratio rules or metrics (tests and tools). */
    public static Registry open(TrackerConfig.Registry cfg, Duration peerTimeout, InstantSource clock) {
        return open(cfg, TrackerConfig.Ratio.OFF, peerTimeout, clock, Metrics.NOOP);
    }

    /**
     * Opens the registry in {@code cfg.dataDir()}, replaying its journal.
     *
     * @param peerTimeout sessions idle longer than this are dropped (see {@link Accounting})
     * @throws RegistryException if the directory is locked by another process, unreadable or corrupt
     */
    public static Registry open(TrackerConfig.Registry cfg, TrackerConfig.Ratio ratio, Duration peerTimeout,
                                InstantSource clock, Metrics metrics) {
        Journal j = Journal.open(cfg.dataDir());
        Registry r = new Registry(j, cfg, ratio, peerTimeout, clock, metrics);
        long now = clock.millis();
        long[] line = {0};
        try {
            j.replay(rec -> {
                line[0]++;
                r.apply(rec, now, line[0]);
            });
            r.accounting.rebuildTotals();
            r.standings.evaluateAll(now);
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
        LOG.info("registry {}: {} users, {} torrents, {} accounts, {} live sessions", cfg.dataDir(), r.byName.size(),
                r.torrents.size(), r.accounting.accountCount(), r.accounting.sessionCount());
        return r;
    }

    private void apply(JsonNode rec, long now, long n) {
        String type = rec.path("type").asText();
        try {
            switch (type) {
                case "user" -> {
                    User u = new User(Accounting.requireText(rec, "name"), Accounting.requireText(rec, "passkey"),
                            rec.path("enabled").asBoolean(true), rec.path("may_download").asBoolean(true));
                    // "." and ".." were accepted before issue 11 and stay loadable; new ones are refused by addUser.
                    boolean oldName = u.name().equals(".") || u.name().equals("..");
                    if (!(User.validName(u.name()) || oldName) || !User.validPasskey(u.passkey())) {
                        throw new IllegalArgumentException("bad user name or passkey");
                    }
                    putUser(u);
                }
                case "user-removed" -> dropUser(Accounting.requireText(rec, "name"));
                case "torrent" -> {
                    InfoHash ih = InfoHash.fromHex(Accounting.requireText(rec, "info_hash"));
                    torrents.put(ih, new Torrent(ih, rec.path("freeleech").asBoolean(false), rec.path("added").asLong(0)));
                }
                case "torrent-removed" -> torrents.remove(InfoHash.fromHex(Accounting.requireText(rec, "info_hash")));
                case "account", "session", "session-ended" -> accounting.load(rec, now);
                case "member", "strike", "strike-cleared", "requirement", "requirement-done" -> standings.load(rec);
                default -> throw new IllegalArgumentException("unknown record type '" + type
                        + "' (written by a newer tracker?)");
            }
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.IO, "registry journal " + journal.file() + ", record "
                    + n + ": " + e.getMessage());
        }
    }

    private void putUser(User u) {
        User old = byName.put(u.name(), u);
        if (old != null) {
            byPasskey.remove(old.passkey(), old);
        }
        byPasskey.put(u.passkey(), u);
    }

    private void dropUser(String name) {
        User old = byName.remove(name);
        if (old != null) {
            byPasskey.remove(old.passkey(), old);
        }
    }

    // ---- reads (any thread, lock-free) ----

    /** The user with this passkey (enabled or not), or null. */
    public User userByPasskey(String passkey) {
        return passkey == null ? null : byPasskey.get(passkey);
    }

    public User user(String name) {
        return name == null ? null : byName.get(name);
    }

    public int userCount() {
        return byName.size();
    }

    public int torrentCount() {
        return torrents.size();
    }

    /** All users, by name. */
    public List<User> users() {
        List<User> l = new ArrayList<>(byName.values());
        l.sort(Comparator.comparing(User::name));
        return l;
    }

    /** The registered torrent {@code infoHash[off..off+20)}, or null. */
    public Torrent torrent(byte[] infoHash, int off) {
        return torrents.get(InfoHash.of(infoHash, off));
    }

    public Torrent torrent(InfoHash infoHash) {
        return torrents.get(infoHash);
    }

    /** All registered torrents, by info-hash. */
    public List<Torrent> torrents() {
        List<Torrent> l = new ArrayList<>(torrents.values());
        l.sort(Comparator.comparing(Torrent::infoHash));
        return l;
    }

    public Accounting accounting() {
        return accounting;
    }

    /** Members' standings under the ratio rules. */
    public Standings standings() {
        return standings;
    }

    // ---- cluster (private mode on several nodes) ----

    /**
     * Shares this registry through {@code s}: admin changes are committed there first, accepted announces are
     * observed there. Call once, before the tracker serves.
     */
    public void share(SharedRegistry s) {
        shared = s;
        accounting.share(s);
    }

    /**
     * Applies a change another node (or this one) committed to the cluster: journalled locally (the journal is this
     * node's cache of the cluster's state) and applied, unless it changes nothing. A malformed record is ignored.
     *
     * @return whether it changed this node's registry
     */
    public boolean applyShared(JsonNode rec) {
        synchronized (writeLock) {
            if (closed) {
                return false;
            }
            ObjectNode change;
            try {
                change = sharedChange(rec);
            } catch (IllegalArgumentException e) {
                LOG.warn("cluster: ignoring a registry change that is not valid: {}", e.getMessage());
                return false;
            }
            if (change == null) {
                return false;
            }
            writeOne(change);
            apply(change, clock.millis(), 0);
            return true;
        }
    }

    /** The change {@code rec} makes here as a journal record (validated), or null when it changes nothing. */
    private ObjectNode sharedChange(JsonNode rec) {
        String type = rec.path("type").asText();
        switch (type) {
            case "user" -> {
                User u = new User(Accounting.requireText(rec, "name"), Accounting.requireText(rec, "passkey"),
                        rec.path("enabled").asBoolean(true), rec.path("may_download").asBoolean(true));
                if (!User.validName(u.name()) || !User.validPasskey(u.passkey())) {
                    throw new IllegalArgumentException("bad user name or passkey");
                }
                return u.equals(byName.get(u.name())) ? null : userRecord(u);
            }
            case "user-removed" -> {
                String name = Accounting.requireText(rec, "name");
                return byName.containsKey(name) ? NODES.objectNode().put("type", type).put("name", name) : null;
            }
            case "torrent" -> {
                InfoHash ih = InfoHash.fromHex(Accounting.requireText(rec, "info_hash"));
                Torrent t = new Torrent(ih, rec.path("freeleech").asBoolean(false), rec.path("added").asLong(0));
                return t.equals(torrents.get(ih)) ? null : torrentRecord(t);
            }
            case "torrent-removed" -> {
                InfoHash ih = InfoHash.fromHex(Accounting.requireText(rec, "info_hash"));
                return torrents.containsKey(ih) ? NODES.objectNode().put("type", type).put("info_hash", ih.toHex()) : null;
            }
            default -> throw new IllegalArgumentException("not a shared registry change: '" + type + "'");
        }
    }

    /**
     * Makes this node's users and torrents exactly the cluster's: {@code records} (of type {@code user} and
     * {@code torrent}) are applied, and local users and torrents they do not name are removed.
     *
     * @return changes made
     */
    public int replaceShared(List<? extends JsonNode> records) {
        synchronized (writeLock) {
            if (closed) {
                return 0;
            }
            Set<String> names = new HashSet<>();
            Set<InfoHash> hashes = new HashSet<>();
            List<ObjectNode> changes = new ArrayList<>();
            for (JsonNode r : records) {
                ObjectNode change;
                try {
                    change = sharedChange(r);
                    if (r.has("name")) {
                        names.add(Accounting.requireText(r, "name"));
                    } else {
                        hashes.add(InfoHash.fromHex(Accounting.requireText(r, "info_hash")));
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warn("cluster: ignoring a registry record that is not valid: {}", e.getMessage());
                    continue;
                }
                if (change != null) {
                    changes.add(change);
                }
            }
            for (String name : byName.keySet()) {
                if (!names.contains(name)) {
                    changes.add(NODES.objectNode().put("type", "user-removed").put("name", name));
                }
            }
            for (InfoHash ih : torrents.keySet()) {
                if (!hashes.contains(ih)) {
                    changes.add(NODES.objectNode().put("type", "torrent-removed").put("info_hash", ih.toHex()));
                }
            }
            // One journal batch (one fsync) for the whole catch-up, then applied.
            writeOne(changes);
            long now = clock.millis();
            for (ObjectNode c : changes) {
                apply(c, now, 0);
            }
            return changes.size();
        }
    }

    /** This node's users and torrents as records of type {@code user} and {@code torrent} (to seed an empty cluster). */
    public List<ObjectNode> sharedState() {
        List<ObjectNode> out = new ArrayList<>();
        byName.values().forEach(u -> out.add(userRecord(u)));
        torrents.values().forEach(t -> out.add(torrentRecord(t)));
        return out;
    }

    // ---- changes (serialised, durable when they return) ----

    /**
     * Adds a user with a new random passkey.
     *
     * @throws RegistryException INVALID for a bad name, CONFLICT if it exists, FULL beyond {@code max-users}
     */
    public User addUser(String name, boolean enabled, boolean mayDownload) {
        if (!User.validName(name)) {
            throw new RegistryException(RegistryException.Kind.INVALID,
                    "user name must be 1 to 64 characters of A-Z a-z 0-9 . _ -, and not . or ..");
        }
        synchronized (writeLock) {
            if (byName.containsKey(name)) {
                throw new RegistryException(RegistryException.Kind.CONFLICT, "user '" + name + "' exists");
            }
            if (byName.size() >= maxUsers) {
                throw new RegistryException(RegistryException.Kind.FULL, "registry.max-users (" + maxUsers + ") reached");
            }
            return commitUser(new User(name, newPasskey(), enabled, mayDownload), true);
        }
    }

    /**
     * Changes a user's flags; a null argument leaves that flag as it is.
     *
     * @throws RegistryException NOT_FOUND
     */
    public User updateUser(String name, Boolean enabled, Boolean mayDownload) {
        synchronized (writeLock) {
            User u = existing(name);
            return commitUser(new User(u.name(), u.passkey(), enabled == null ? u.enabled() : enabled,
                    mayDownload == null ? u.mayDownload() : mayDownload), false);
        }
    }

    /** Gives the user a new random passkey; the old one stops working at once. */
    public User rotatePasskey(String name) {
        synchronized (writeLock) {
            User u = existing(name);
            return commitUser(new User(u.name(), newPasskey(), u.enabled(), u.mayDownload()), false);
        }
    }

    /** Removes the user (the passkey stops working); the user's accounting is kept under the name. */
    public void removeUser(String name) {
        synchronized (writeLock) {
            existing(name);
            ObjectNode rec = NODES.objectNode().put("type", "user-removed").put("name", name);
            shared.commit(rec, false);
            writeOne(rec);
            dropUser(name);
        }
    }

    /**
     * Registers a torrent, or changes its freeleech flag.
     *
     * @param freeleech the new flag; null keeps the current one (false for a new torrent)
     * @return true if it was newly registered
     * @throws RegistryException FULL beyond {@code max-torrents}
     */
    public boolean putTorrent(InfoHash infoHash, Boolean freeleech) {
        synchronized (writeLock) {
            Torrent old = torrents.get(infoHash);
            boolean isNew = old == null;
            if (isNew && torrents.size() >= maxTorrents) {
                throw new RegistryException(RegistryException.Kind.FULL, "registry.max-torrents (" + maxTorrents + ") reached");
            }
            boolean fl = freeleech != null ? freeleech : !isNew && old.freeleech();
            Torrent t = new Torrent(infoHash, fl, isNew ? clock.millis() : old.addedMillis());
            shared.commit(torrentRecord(t), false);
            writeOne(torrentRecord(t));
            torrents.put(infoHash, t);
            return isNew;
        }
    }

    /** Unregisters a torrent: announces for it are refused from now on; its accounting is kept. */
    public void removeTorrent(InfoHash infoHash) {
        synchronized (writeLock) {
            if (!torrents.containsKey(infoHash)) {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, "torrent " + infoHash + " is not registered");
            }
            ObjectNode rec = NODES.objectNode().put("type", "torrent-removed").put("info_hash", infoHash.toHex());
            shared.commit(rec, false);
            writeOne(rec);
            torrents.remove(infoHash);
        }
    }

    /**
     * Sets the admin's override of a member's standing (exempt, upload-only, or none), journalled before it returns.
     *
     * @throws RegistryException NOT_FOUND for an unknown user
     */
    public Standings.View setOverride(String name, Standings.Override override) {
        synchronized (writeLock) {
            existing(name);
            standings.setOverride(name, override, clock.millis());
            writeStandings();
            return standings.view(name);
        }
    }

    /**
     * Clears one of a member's strikes ({@code infoHash} given) or all of them, journalled before it returns.
     *
     * @return strikes cleared
     */
    public int clearStrikes(String name, InfoHash infoHash) {
        synchronized (writeLock) {
            if (user(name) == null && !accounting.hasMember(name)) {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no user '" + name + "'");
            }
            int n = standings.clearStrikes(name, infoHash, clock.millis());
            writeStandings();
            return n;
        }
    }

    private void writeStandings() {
        List<ObjectNode> batch = standings.drainOutbox();
        if (!batch.isEmpty()) {
            writeOne(batch);
        }
    }

    private User existing(String name) {
        User u = user(name);
        if (u == null) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no user '" + name + "'");
        }
        return u;
    }

    private User commitUser(User u, boolean create) {
        shared.commit(userRecord(u), create);
        writeOne(userRecord(u));
        putUser(u);
        return u;
    }

    private String newPasskey() {
        byte[] b = new byte[16];
        String pk;
        do {
            random.nextBytes(b);
            pk = Hex.encode(b);
        } while (byPasskey.containsKey(pk));
        return pk;
    }

    private void writeOne(ObjectNode record) {
        writeOne(List.of(record));
    }

    private void writeOne(List<ObjectNode> records) {
        if (closed) {
            throw new RegistryException(RegistryException.Kind.IO, "registry is closed");
        }
        journal.append(records);
    }

    private static ObjectNode userRecord(User u) {
        return NODES.objectNode().put("type", "user").put("name", u.name()).put("passkey", u.passkey())
                .put("enabled", u.enabled()).put("may_download", u.mayDownload());
    }

    private static ObjectNode torrentRecord(Torrent t) {
        return NODES.objectNode().put("type", "torrent").put("info_hash", t.infoHash().toHex())
                .put("freeleech", t.freeleech()).put("added", t.addedMillis());
    }

    /**
     * Appends the accounting changed since the last flush (fsynced), drops stale sessions, and compacts the
     * journal when it has grown to more than twice the live records.
     *
     * @return accounting records written
     */
    public int flush() {
        synchronized (writeLock) {
            if (closed) {
                return 0;
            }
            long now = clock.millis();
            accounting.expire(now);
            standings.sweep(now);
            int written = appendDirty();
            long live = (long) byName.size() + torrents.size() + accounting.accountCount() + accounting.sessionCount();
            if (journal.records() > Math.max(COMPACT_MIN, 2 * live)) {
                compact();
            }
            return written;
        }
    }

    /**
     * Appends the accounting changed since the last flush and the queued standings records as one batch (caller holds
     * the write lock). The accounting's records are built one at a time as the journal writes them
     * ({@link Accounting#drainDirty}), never all held at once.
     *
     * @return records written
     */
    private int appendDirty() {
        List<ObjectNode> dirty = accounting.drainDirty();
        List<ObjectNode> outbox = standings.drainOutbox();
        journal.append(() -> Stream.concat(dirty.stream(), outbox.stream()).iterator());
        return dirty.size() + outbox.size();
    }

    /** Rewrites the journal as the current state (caller holds the write lock). */
    void compact() {
        long before = journal.records();
        // Drained before the state is read: a record queued meanwhile stays queued for the next flush (replaying
        // it again is harmless), and none is lost.
        standings.drainOutbox();
        journal.rewrite(sink -> {
            byName.values().forEach(u -> sink.accept(userRecord(u)));
            torrents.values().forEach(t -> sink.accept(torrentRecord(t)));
            accounting.writeState(sink);
            standings.writeState(sink);
        });
        LOG.info("registry journal compacted: {} records → {}", before, journal.records());
    }

    /** Flushes and compacts now, whatever the journal's size. */
    void compactNow() {
        synchronized (writeLock) {
            accounting.expire(clock.millis());
            journal.append(accounting.drainDirty());
            journal.append(standings.drainOutbox());
            compact();
        }
    }

    /** Flushes the accounting and closes the journal. Idempotent. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            try {
                appendDirty();
            } finally {
                closed = true;
                journal.close();
            }
        }
    }
}
