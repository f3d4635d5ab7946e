package dev.swarm.tracker.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Accounting;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.RegistryException;
import dev.swarm.tracker.registry.SharedRegistry;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private mode on several nodes: users, passkeys, registered torrents and accounting shared through Redis, which is
 * their system of record while the tracker is clustered (scripts and keys: {@link RegistryScripts}).
 *
 * <ul>
 *   <li><b>Admin changes</b> ({@link #commit}) are written to Redis first, atomically with an entry in the change
 *       stream, and only then journalled and applied on the node that took them; an admin call fails (nothing
 *       changed anywhere) when Redis cannot be reached within the command timeout. Every node reads the change stream
 *       every {@code poll-interval} and applies what it finds, so a change holds on every connected node within
 *       poll interval + one round trip (milliseconds).</li>
 *   <li><b>Accounting</b>: every accepted announce of a user is queued ({@link #observe}, never blocking) in a
 *       bounded outbox and sent to Redis by this class's thread, where {@link RegistryScripts#ACCOUNT} computes the
 *       delta against the last counters any node saw for the session and adds it to the account; the account's new
 *       state goes to the accounting stream, from which every node adopts it ({@link Accounting#applyShared}, by
 *       version, so a repeat or an older state changes nothing).</li>
 *   <li><b>Catch-up</b>: at start and after every outage the node reads the registry's state and the stream
 *       position atomically ({@link RegistryScripts#SNAPSHOT}), makes its users and torrents exactly the cluster's
 *       ({@link Registry#replaceShared}), adopts every account, then reads the streams from there. A cluster with no
 *       registry yet is seeded from the first node's journal.</li>
 * </ul>
 * Requests never wait for Redis: passkey and torrent look-ups read the node's registry, which is also its cache when
 * Redis is down (it keeps serving the last state it had; a change made meanwhile reaches it on reconnect).
 */
public final class RegistrySync implements SharedRegistry, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_BATCH = 500;
    private static final int SEND_BATCH = 256;
    private static final long RETRY_MILLIS = 1000;
    private static final long SEEDED_CHECK_NANOS = 1_000_000_000L;

    /**
     * @param keyPrefix        prefix of every key (the cluster's {@code key-prefix})
     * @param pollInterval     how long the thread waits after a round that found nothing to send or read
     * @param commandTimeout   longest wait for Redis (admin changes and each round)
     * @param outbox           most announces queued for the cluster's accounting; beyond, the oldest is dropped
     * @param streamMaxLength  approximate entries kept per stream
     * @param peerTimeout      accounting sessions idle longer than this end (as on a single node)
     */
    public record Settings(String keyPrefix, Duration pollInterval, Duration commandTimeout, int outbox,
                           long streamMaxLength, Duration peerTimeout) {
    }

    private final Registry registry;
    private final Supplier<RedisClusterCommands<byte[], byte[]>> sync;
    private final Supplier<RedisClusterAsyncCommands<byte[], byte[]>> async;
    private final Settings cfg;
    private final byte[][] regKeys;
    private final byte[] accountsKey;
    private final byte[] acctStream;
    private final String changesName;
    private final ArrayDeque<Observation> outbox = new ArrayDeque<>();
    /** Size of the batch being sent (guarded by {@link #outbox}). */
    private int inFlight;
    private final Map<String, String> digests = new HashMap<>();
    private final Metrics.Counter dropped;
    private final Metrics.Counter accounted;
    private final Metrics.Counter adopted;
    private final AtomicLong applyLagMillis = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final Thread thread;
    /** What {@link #pause} waits on and {@link #close} notifies. */
    private final Object wake = new Object();
    private Runnable onClose = () -> { };
    private Runnable reportOk = () -> { };
    private java.util.function.BiConsumer<String, Throwable> reportFailure = (what, e) -> { };
    private volatile boolean synced;
    private volatile boolean running = true;
    private long lastSeededCheck = System.nanoTime();
    private String changesId = "0-0";
    private String acctId = "0-0";
    private boolean loggedDown;

    public RegistrySync(Registry registry, Supplier<RedisClusterCommands<byte[], byte[]>> sync,
                        Supplier<RedisClusterAsyncCommands<byte[], byte[]>> async, Settings cfg, Metrics metrics) {
        this.registry = registry;
        this.sync = sync;
        this.async = async;
        this.cfg = cfg;
        String p = keyBase(cfg.keyPrefix());
        this.regKeys = new byte[][] {b(p + "users"), b(p + "torrents"), b(p + "changes"), b(p + "seeded")};
        this.changesName = p + "changes";
        this.accountsKey = b(p + "accounts");
        this.acctStream = b(p + "acct");
        this.dropped = metrics.counter("cluster.registry_outbox_dropped");
        this.accounted = metrics.counter("cluster.accounting_sent");
        this.adopted = metrics.counter("cluster.accounting_adopted");
        metrics.gauge("cluster.registry_outbox", this::outboxDepth);
        metrics.gauge("cluster.registry_synced", () -> synced ? 1 : 0);
        metrics.gauge("cluster.registry_lag_ms", applyLagMillis::get);
        this.thread = new Thread(this::run, "cluster-registry");
        this.thread.setDaemon(true);
    }

    /**
     * Shares {@code registry} through the Redis of {@code node}: a connection of the node's client of its own (opened
     * on first use, again after it fails), outages reported to the node so they are logged and counted once.
     */
    public static RegistrySync start(Registry registry, ClusterNode node, TrackerConfig.Cluster cfg,
                                     Duration peerTimeout, Metrics metrics) {
        NodeConnection c = new NodeConnection(node);
        RegistrySync s = new RegistrySync(registry, c::sync, c::async, new Settings(cfg.keyPrefix(), cfg.pollInterval(),
                cfg.commandTimeout(), cfg.outbox(), cfg.streamMaxLength(), peerTimeout), metrics);
        s.onClose = c::close;
        s.reportOk = node::reportOk;
        s.reportFailure = node::reportFailure;
        return s.start();
    }

    /** The connection of a {@link ClusterNode}'s client this class uses, opened when first needed. */
    private static final class NodeConnection {
        private final ClusterNode node;
        private StatefulConnection<byte[], byte[]> conn;

        NodeConnection(ClusterNode node) {
            this.node = node;
        }

        private synchronized StatefulConnection<byte[], byte[]> get() {
            if (conn == null) {
                conn = node.openConnection();
            }
            return conn;
        }

        RedisClusterCommands<byte[], byte[]> sync() {
            StatefulConnection<byte[], byte[]> c = get();
            return c instanceof StatefulRedisClusterConnection<byte[], byte[]> cc ? cc.sync()
                    : ((StatefulRedisConnection<byte[], byte[]>) c).sync();
        }

        RedisClusterAsyncCommands<byte[], byte[]> async() {
            StatefulConnection<byte[], byte[]> c = get();
            return c instanceof StatefulRedisClusterConnection<byte[], byte[]> cc ? cc.async()
                    : ((StatefulRedisConnection<byte[], byte[]>) c).async();
        }

        synchronized void close() {
            if (conn != null) {
                conn.close();
                conn = null;
            }
        }
    }

    /** Attaches to the registry and starts the thread that sends, reads and catches up. */
    public RegistrySync start() {
        registry.share(this);
        thread.start();
        return this;
    }

    /** Whether the node has caught up with the cluster since it last (re)connected. */
    public boolean synced() {
        return synced;
    }

    /** Rounds (send, then read) done since start. */
    public long rounds() {
        return rounds.get();
    }

    /** Announces not yet acknowledged by Redis: queued, and the batch being sent. */
    public int outboxDepth() {
        synchronized (outbox) {
            return outbox.size() + inFlight;
        }
    }

    /**
     * The start of every key of this class: one hash tag of its own ({@code {<key-prefix>:reg}}), so on a Redis
     * Cluster all of private mode's keys share one slot (the scripts need that) and never clash with replication's.
     */
    public static String keyBase(String keyPrefix) {
        return "{" + keyPrefix + ":reg}:";
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---- admin changes (the admin API's thread) ----

    @Override
    public void commit(ObjectNode change, boolean create) {
        String type = change.path("type").asText();
        String id = type.startsWith("user") ? change.path("name").asText() : change.path("info_hash").asText();
        String r;
        try {
            r = s((byte[]) eval(sync.get(), RegistryScripts.COMMIT, ScriptOutputType.VALUE, regKeys,
                    b(type), b(id), b(change.toString()), b(create ? "1" : "0"), b(Long.toString(cfg.streamMaxLength()))));
        } catch (RuntimeException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the cluster's registry (Redis) cannot be"
                    + " reached, nothing changed; try again when it is back: " + reason(e));
        }
        switch (r == null ? "" : r) {
            case "ok" -> {
            }
            case "exists" -> throw new RegistryException(RegistryException.Kind.CONFLICT, "user '" + id
                    + "' exists in the cluster");
            case "missing" -> throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no user '" + id
                    + "' in the cluster");
            default -> throw new RegistryException(RegistryException.Kind.IO, "the cluster's registry answered " + r);
        }
    }

    // ---- accounting (announce threads: never block) ----

    @Override
    public void observe(Observation o) {
        boolean drop;
        synchronized (outbox) {
            drop = outbox.size() >= cfg.outbox();
            if (drop) {
                outbox.pollFirst();
            }
            outbox.addLast(o);
        }
        if (drop) {
            dropped.inc();
        }
    }

    // ---- the thread ----

    private void run() {
        while (running) {
            try {
                if (!synced) {
                    catchUp();
                    synced = true;
                    if (loggedDown) {
                        LOG.info("cluster: private-mode registry in step with the cluster again");
                        loggedDown = false;
                    }
                }
                int sent = send();
                int read = read();
                checkSeeded();
                rounds.incrementAndGet();
                reportOk.run();
                if (sent == 0 && read == 0) {
                    pause(cfg.pollInterval().toMillis());
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                synced = false;
                reportFailure.accept("private-mode registry", e);
                if (!loggedDown) {
                    loggedDown = true;
                    LOG.warn("cluster: private-mode registry cannot reach Redis ({}); this node serves its last users,"
                            + " torrents and accounts and queues accounting (up to {} announces) until it returns",
                            reason(e), cfg.outbox());
                }
                pause(RETRY_MILLIS);
            }
        }
    }

    /**
     * Waits {@code millis} or until {@link #close} wakes it. Never woken by an interrupt: this thread writes the
     * registry's journal, and an interrupt during a {@code FileChannel} write closes the channel (the journal would then
     * refuse every later write, the final flush at shutdown included).
     */
    private void pause(long millis) {
        synchronized (wake) {
            if (!running) {
                return;
            }
            try {
                wake.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /**
     * About once a second: whether Redis still has the cluster's registry. A Redis that lost its data (restarted
     * without persistence, flushed) has none: then this node catches up again, and the first node to do so seeds
     * it from its journal, which holds every change it applied.
     */
    private void checkSeeded() {
        long now = System.nanoTime();
        if (now - lastSeededCheck < SEEDED_CHECK_NANOS) {
            return;
        }
        lastSeededCheck = now;
        if (sync.get().exists(regKeys[3]) == 0) {
            LOG.warn("cluster: Redis has lost the private-mode registry (restarted without persistence, or flushed);"
                    + " seeding it again from the nodes' journals");
            synced = false;
        }
    }

    /** Reads the registry and the accounts from Redis (seeding an empty cluster first) and adopts them. */
    void catchUp() {
        RedisClusterCommands<byte[], byte[]> c = sync.get();
        List<Object> snap = eval(c, RegistryScripts.SNAPSHOT, ScriptOutputType.MULTI, regKeys);
        if (asLong(snap.get(1)) == 0 && seed(c)) {
            snap = eval(c, RegistryScripts.SNAPSHOT, ScriptOutputType.MULTI, regKeys);
        }
        List<JsonNode> records = new ArrayList<>();
        for (int i = 2; i <= 3; i++) {
            for (Object o : (List<?>) snap.get(i)) {
                JsonNode n = parse(s((byte[]) o));
                if (n != null) {
                    records.add(n);
                }
            }
        }
        int changed = registry.replaceShared(records);
        changesId = s((byte[]) snap.get(0));
        // Accounts: the stream position first, then the states; adopting by version makes the overlap harmless.
        List<StreamMessage<byte[], byte[]>> last = c.xrevrange(acctStream, Range.unbounded(),
                io.lettuce.core.Limit.create(0, 1));
        acctId = last.isEmpty() ? "0-0" : last.get(0).getId();
        int accounts = 0;
        RedisClusterAsyncCommands<byte[], byte[]> a = async.get();
        ValueScanCursor<byte[]> cursor = c.sscan(accountsKey, ScanArgs.Builder.limit(SEND_BATCH));
        while (true) {
            List<byte[]> part = cursor.getValues();
            List<RedisFuture<Map<byte[], byte[]>>> fs = new ArrayList<>();
            for (byte[] id : part) {
                fs.add(a.hgetall(accountKey(s(id))));
            }
            for (int i = 0; i < fs.size(); i++) {
                Map<byte[], byte[]> h = await(fs.get(i));
                if (!h.isEmpty() && adopt(s(part.get(i)), h)) {
                    accounts++;
                }
            }
            if (cursor.isFinished()) {
                break;
            }
            cursor = c.sscan(accountsKey, cursor, ScanArgs.Builder.limit(SEND_BATCH));
        }
        LOG.info("cluster: private-mode registry caught up ({} user/torrent changes, {} accounts adopted)", changed,
                accounts);
    }

    /** Seeds an empty cluster with this node's journal; true if this node did (another node may have won). */
    private boolean seed(RedisClusterCommands<byte[], byte[]> c) {
        List<byte[]> args = new ArrayList<>();
        for (ObjectNode r : registry.sharedState()) {
            boolean user = "user".equals(r.path("type").asText());
            args.add(b(user ? "u" : "t"));
            args.add(b(user ? r.path("name").asText() : r.path("info_hash").asText()));
            args.add(b(r.toString()));
        }
        byte[][] seedKeys = {regKeys[0], regKeys[1], regKeys[3]};
        boolean seeded = asLong(eval(c, RegistryScripts.SEED, ScriptOutputType.INTEGER, seedKeys,
                args.toArray(new byte[0][]))) == 1;
        if (!seeded) {
            return false;
        }
        int[] n = {0};
        registry.accounting().forEachShared(s -> {
            String id = s.user() + ":" + s.infoHash().toHex();
            byte[][] keys = {accountKey(id), accountsKey, acctStream};
            eval(c, RegistryScripts.SEED_ACCOUNT, ScriptOutputType.INTEGER, keys, b(id),
                    b(Long.toString(cfg.streamMaxLength())), b("u"), num(s.uploaded()), b("d"), num(s.downloaded()),
                    b("f"), num(s.downloadedFreeleech()), b("sm"), num(s.seedingMillis()), b("c"), num(s.completed()),
                    b("ca"), num(s.completedAtMillis()), b("l"), num(s.lastMillis()), b("lc"), b(s.leeching() ? "1" : "0"),
                    b("v"), num(Math.max(1, s.version())));
            n[0]++;
        });
        LOG.info("cluster: the cluster had no registry; seeded it from this node's journal ({} users and torrents, {}"
                + " accounts)", args.size() / 3, n[0]);
        return true;
    }

    private static byte[] num(long v) {
        return b(Long.toString(v));
    }

    private byte[] accountKey(String id) {
        return b(keyBase(cfg.keyPrefix()) + "a:" + id);
    }

    private byte[] sessionKey(Observation o) {
        return b(keyBase(cfg.keyPrefix()) + "s:" + o.user() + ":" + o.infoHash().toHex() + ":" + o.peerId().toHex());
    }

    /** Sends queued announces to the cluster's accounting, pipelined; a failed batch goes back to the front. */
    private int send() {
        List<Observation> batch = new ArrayList<>();
        synchronized (outbox) {
            while (batch.size() < SEND_BATCH && !outbox.isEmpty()) {
                batch.add(outbox.pollFirst());
            }
            inFlight = batch.size();
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            RedisClusterAsyncCommands<byte[], byte[]> a = async.get();
            String digest = digest(RegistryScripts.ACCOUNT);
            List<RedisFuture<Long>> fs = new ArrayList<>(batch.size());
            for (Observation o : batch) {
                String id = o.user() + ":" + o.infoHash().toHex();
                byte[][] keys = {sessionKey(o), accountKey(id), accountsKey, acctStream};
                fs.add(a.evalsha(digest, ScriptOutputType.INTEGER, keys, b(id), num(o.uploaded()), num(o.downloaded()),
                        num(o.left()), b(o.event().name().toLowerCase(java.util.Locale.ROOT)), b(o.freeleech() ? "1" : "0"),
                        num(o.atMillis()), num(cfg.peerTimeout().toMillis()), num(cfg.streamMaxLength())));
            }
            for (RedisFuture<Long> f : fs) {
                await(f);
            }
            synchronized (outbox) {
                inFlight = 0;
            }
            accounted.inc(batch.size());
            return batch.size();
        } catch (RuntimeException e) {
            // Some may have been applied: sending them again is harmless (an announce not newer than its session's
            // last is ignored), so the whole batch goes back, in order, ahead of newer ones.
            synchronized (outbox) {
                inFlight = 0;
                for (int i = batch.size() - 1; i >= 0; i--) {
                    outbox.addFirst(batch.get(i));
                }
                while (outbox.size() > cfg.outbox()) {
                    outbox.pollFirst();
                    dropped.inc();
                }
            }
            if (e instanceof RedisNoScriptException || e.getCause() instanceof RedisNoScriptException) {
                digests.clear(); // Redis restarted without its script cache: load again and go on
                return 1;
            }
            throw e;
        }
    }

    /** Reads both streams once from where this node is; applies what it finds. */
    private int read() {
        List<StreamMessage<byte[], byte[]>> msgs = sync.get().xread(XReadArgs.Builder.count(READ_BATCH),
                XReadArgs.StreamOffset.from(regKeys[2], changesId), XReadArgs.StreamOffset.from(acctStream, acctId));
        long now = System.currentTimeMillis();
        for (StreamMessage<byte[], byte[]> m : msgs) {
            Map<String, String> body = new HashMap<>();
            m.getBody().forEach((k, v) -> body.put(s(k), s(v)));
            if (changesName.equals(s(m.getStream()))) {
                JsonNode n = parse(body.get("r"));
                if (n != null) {
                    registry.applyShared(n);
                }
                changesId = m.getId();
            } else {
                if (adopt(body.get("id"), toBytes(body))) {
                    adopted.inc();
                }
                acctId = m.getId();
            }
            applyLagMillis.set(Math.max(0, now - idMillis(m.getId())));
        }
        if (msgs.size() >= READ_BATCH && (trimmedPast(regKeys[2], changesId) || trimmedPast(acctStream, acctId))) {
            // This node fell further behind than the streams keep (stream-max-length): entries it never read are
            // gone, so it catches up from the state instead.
            LOG.warn("cluster: private-mode registry fell behind the streams' length; catching up from the state");
            synced = false;
        }
        return msgs.size();
    }

    /** Whether the oldest entry left in {@code stream} is newer than {@code id}, the last one this node read. */
    private boolean trimmedPast(byte[] stream, String id) {
        if ("0-0".equals(id)) {
            return false;
        }
        List<StreamMessage<byte[], byte[]>> first = sync.get().xrange(stream, Range.unbounded(),
                io.lettuce.core.Limit.create(0, 1));
        return !first.isEmpty() && compareIds(first.get(0).getId(), id) > 0;
    }

    /** Orders stream ids ({@code <ms>-<seq>}). */
    static int compareIds(String x, String y) {
        int dx = x.indexOf('-');
        int dy = y.indexOf('-');
        int c = Long.compareUnsigned(Long.parseUnsignedLong(x.substring(0, dx)), Long.parseUnsignedLong(y.substring(0, dy)));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(x.substring(dx + 1)),
                Long.parseUnsignedLong(y.substring(dy + 1)));
    }

    private static Map<byte[], byte[]> toBytes(Map<String, String> body) {
        Map<byte[], byte[]> out = new HashMap<>();
        body.forEach((k, v) -> out.put(b(k), b(v)));
        return out;
    }

    private static long idMillis(String id) {
        int dash = id.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Adopts one account state from Redis (a hash or a stream entry: fields u d f sm c ca l lc v). */
    private boolean adopt(String id, Map<byte[], byte[]> raw) {
        if (id == null) {
            return false;
        }
        Map<String, String> h = new HashMap<>();
        raw.forEach((k, v) -> h.put(s(k), s(v)));
        int colon = id.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            InfoHash ih = InfoHash.fromHex(id.substring(colon + 1));
            return registry.accounting().applyShared(new Accounting.SharedAccount(id.substring(0, colon), ih,
                    field(h, "u"), field(h, "d"), field(h, "f"), field(h, "sm"), field(h, "c"), field(h, "ca"),
                    field(h, "l"), "1".equals(h.get("lc")), field(h, "v")));
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster: ignoring an account that is not valid ({}): {}", id, e.getMessage());
            return false;
        }
    }

    private static long field(Map<String, String> h, String k) {
        String v = h.get(k);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (java.io.IOException e) {
            LOG.warn("cluster: ignoring a registry record that is not JSON");
            return null;
        }
    }

    private static long asLong(Object o) {
        return o instanceof Long l ? l : o instanceof byte[] bs ? Long.parseLong(s(bs)) : 0;
    }

    private String digest(String script) {
        synchronized (digests) {
            String d = digests.get(script);
            if (d == null) {
                d = sync.get().scriptLoad(b(script));
                digests.put(script, d);
            }
            return d;
        }
    }

    /** Runs a script by its digest, loading it first (again after a Redis restart emptied the script cache). */
    @SuppressWarnings("unchecked")
    private <T> T eval(RedisClusterCommands<byte[], byte[]> c, String script, ScriptOutputType type, byte[][] keys,
                       byte[]... args) {
        try {
            return (T) c.evalsha(digest(script), type, keys, args);
        } catch (RedisNoScriptException e) {
            synchronized (digests) {
                digests.remove(script);
            }
            return (T) c.evalsha(digest(script), type, keys, args);
        }
    }

    private <T> T await(RedisFuture<T> f) {
        try {
            return f.get(cfg.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + cfg.commandTimeout(), e);
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Stops the thread; announces still queued are sent first when Redis answers within the command timeout. */
    @Override
    public void close() {
        synchronized (wake) {
            running = false;
            wake.notifyAll();
        }
        try {
            // no interrupt (see pause): a Redis call in flight ends within the command timeout
            thread.join(cfg.commandTimeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            while (outboxDepth() > 0 && send() > 0) {
                // drain what is left, bounded by the outbox's size
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster: {} announces not sent to the cluster's accounting at shutdown ({}); the clients' next"
                    + " announces carry their counters", outboxDepth(), reason(e));
        }
        registry.share(SharedRegistry.LOCAL);
        onClose.run();
    }
}
