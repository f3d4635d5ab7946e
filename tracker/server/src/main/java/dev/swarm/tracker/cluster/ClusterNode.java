package dev.swarm.tracker.cluster;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.SwarmStore;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This tracker as one node of a cluster sharing its swarms through Redis: owns the Lettuce client and the
 * cluster's threads, started and stopped by {@code Tracker}.
 *
 * <ul>
 *   <li>{@link #observer()}: the {@link AnnounceObserver} the logic calls for every accepted announce; it queues the
 *       change in the bounded {@link Outbox} and returns (requests never wait for Redis).</li>
 *   <li>thread {@code cluster-publish} ({@link Publisher}): outbox → Redis streams + snapshot.</li>
 *   <li>thread {@code cluster-apply} ({@link Applier}): other nodes' changes → this node's store, catch-up from the
 *       snapshot at start and after every outage.</li>
 *   <li>thread {@code cluster-control}: heartbeat (membership), the shared UDP connection-ID keys and one step of
 *       the snapshot cleaner ({@link #cleanStep}), every {@code cluster.heartbeat}.</li>
 * </ul>
 *
 * <p>What other parts of the tracker may rely on (private mode across nodes builds on this):
 * <ul>
 *   <li>{@link #openConnection()}: a new connection of the same Lettuce client (one Redis server or a Redis
 *       Cluster, byte[] keys and values, commands time out after {@code cluster.command-timeout}, commands fail at
 *       once while Redis is unreachable). The caller owns and closes it; use it only from the caller's own
 *       background threads, never from a request thread.</li>
 *   <li>{@link #reportOk()} / {@link #reportFailure}: feed the shared up/down state, so an outage is logged once and
 *       counted in {@code cluster.redis_errors} whichever part saw it.</li>
 *   <li>{@link #nodeName()}, {@link #keyPrefix()}: keys of other features should start with
 *       {@code "{" + keyPrefix() + "}:"} (or another hash tag of their own) so they do not clash with the
 *       replication keys ({@link Keys}).</li>
 * </ul>
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    /**
     * Receives the shared connection-ID keys (16 bytes each) whenever they change: the current one issues IDs, both
     * are accepted. Called on the control thread.
     */
    @FunctionalInterface
    public interface KeySink {
        void keys(byte[] current, byte[] previous);
    }

    /**
     * Creates the shared keys when there are none and replaces the current one when it is older than the rotation
     * interval, in one atomic step; returns {current, previous}. ARGV: a fresh random key, now (ms), the rotation
     * interval (ms), then the node's last known current and previous keys (fresh ones when it has none). A Redis
     * that lost its data (restarted without persistence) thus gets the keys the nodes already use back, and IDs
     * issued before stay valid.
     */
    private static final String KEY_SCRIPT = """
            local cur = redis.call('HGET', KEYS[1], 'current')
            local at = tonumber(redis.call('HGET', KEYS[1], 'rotated') or '0')
            if not cur then
              redis.call('HSET', KEYS[1], 'current', ARGV[4], 'previous', ARGV[5], 'rotated', ARGV[2])
            elseif tonumber(ARGV[2]) - at >= tonumber(ARGV[3]) then
              redis.call('HSET', KEYS[1], 'previous', cur, 'current', ARGV[1], 'rotated', ARGV[2])
            end
            return redis.call('HMGET', KEYS[1], 'current', 'previous')
            """;

    private final TrackerConfig.Cluster cfg;
    private final RedisLink link;
    private final Keys keys;
    private final Outbox outbox;
    private final Publisher publisher;
    private final Applier applier;
    private final LagRecorder lag = new LagRecorder();
    private final InstantSource clock;
    private final KeySink keySink;
    private final Thread publishThread;
    private final Thread applyThread;
    private final ScheduledExecutorService control;
    private final SecureRandom random = new SecureRandom();
    private volatile List<String> members = List.of();
    private final long peerTimeoutMillis;
    private final Metrics.Counter cleaned;
    private int cleanShard;
    private ScanCursor cleanCursor = ScanCursor.INITIAL;
    private byte[] currentKey;
    private byte[] previousKey;
    private boolean closed;

    private ClusterNode(TrackerConfig.Cluster cfg, SwarmStore store, Duration peerTimeout, InstantSource clock,
                        Metrics metrics, KeySink keySink) {
        this.cfg = cfg;
        this.clock = clock;
        this.keySink = keySink;
        this.peerTimeoutMillis = peerTimeout.toMillis();
        this.cleaned = metrics.counter("cluster.snapshot_cleaned");
        this.link = new RedisLink(cfg, metrics);
        this.keys = new Keys(cfg.keyPrefix(), cfg.shards());
        this.outbox = new Outbox(cfg.outbox(), metrics);
        this.publisher = new Publisher(cfg, link, outbox, keys, metrics);
        this.applier = new Applier(cfg, link, keys, store, clock, peerTimeout.toMillis(), lag, metrics);
        this.publishThread = new Thread(publisher, "cluster-publish");
        this.applyThread = new Thread(applier, "cluster-apply");
        publishThread.setDaemon(true);
        applyThread.setDaemon(true);
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-control");
            t.setDaemon(true);
            return t;
        });
        metrics.info("cluster.node", "node", cfg.node());
        metrics.gauge("cluster.members", () -> members.size());
        metrics.gauge("cluster.redis_up", () -> link.up() ? 1 : 0);
        metrics.gauge("cluster.caught_up", () -> applier.caughtUp() ? 1 : 0);
        metrics.gauge("cluster.outbox_depth", outbox::depth);
        metrics.gauge("cluster.lag_p50_ms", () -> lag.percentile(50));
        metrics.gauge("cluster.lag_p99_ms", () -> lag.percentile(99));
    }

    /**
     * Starts the node: one heartbeat round now (so the shared connection-ID keys are in place before the UDP frontend
     * starts, when Redis is reachable; bounded by {@code cluster.command-timeout}), then the threads. Never fails
     * because Redis is unreachable: the node then serves alone and joins when Redis comes.
     *
     * @param keySink receives the shared connection-ID keys; called before this returns when Redis is reachable
     */
    public static ClusterNode start(TrackerConfig.Cluster cfg, SwarmStore store, Duration peerTimeout,
                                    InstantSource clock, Metrics metrics, KeySink keySink) {
        ClusterNode n = new ClusterNode(cfg, store, peerTimeout, clock, metrics, keySink);
        LOG.info("cluster: node {} joining through Redis {} ({} shards)", cfg.node(),
                cfg.redis().stream().map(TrackerConfig.Cluster::redactUrl).toList(), cfg.shards());
        n.heartbeat();
        n.publishThread.start();
        n.applyThread.start();
        long every = cfg.heartbeat().toMillis();
        n.control.scheduleWithFixedDelay(n::heartbeat, every, every, TimeUnit.MILLISECONDS);
        return n;
    }

    /** The observer the logic calls for every accepted announce. */
    public AnnounceObserver observer() {
        return outbox;
    }

    public String nodeName() {
        return cfg.node();
    }

    public String keyPrefix() {
        return cfg.keyPrefix();
    }

    /** See the class comment. */
    public StatefulConnection<byte[], byte[]> openConnection() {
        return link.openExtra();
    }

    /** See the class comment. */
    public void reportOk() {
        link.ok();
    }

    /** See the class comment. */
    public void reportFailure(String what, Throwable e) {
        link.failed(what, e);
    }

    /**
     * Whether a load balancer should send clients here: yes, except while Redis is reachable and this node has not
     * yet applied the snapshot (just started or reconnected). While Redis is unreachable every node stays healthy
     * and serves from its own store; taking them all out would be worse.
     */
    public boolean healthy() {
        return !link.up() || applier.caughtUp();
    }

    public ClusterStatus status() {
        return new ClusterStatus(cfg.node(), link.up(), applier.caughtUp(), members, lag.percentile(50),
                lag.percentile(99), outbox.depth(), outbox.droppedCount(), link.lastError());
    }

    /** Membership and keys; failures are reported to the link and retried at the next heartbeat. */
    private void heartbeat() {
        try {
            RedisClusterCommands<byte[], byte[]> cmd = link.sync(RedisLink.Use.CONTROL);
            long now = clock.millis();
            byte[] name = cfg.node().getBytes(StandardCharsets.UTF_8);
            cmd.zadd(keys.members(), (double) now, name);
            cmd.zremrangebyscore(keys.members(), Range.create(0.0, (double) (now - 3 * cfg.heartbeat().toMillis())));
            List<String> names = new ArrayList<>();
            for (byte[] m : cmd.zrange(keys.members(), 0, -1)) {
                names.add(new String(m, StandardCharsets.UTF_8));
            }
            members = List.copyOf(names);
            byte[] fresh = new byte[16];
            random.nextBytes(fresh);
            List<Object> pair = cmd.eval(KEY_SCRIPT, ScriptOutputType.MULTI, new byte[][] {keys.idKeys()}, fresh,
                    Long.toString(now).getBytes(StandardCharsets.US_ASCII),
                    Long.toString(cfg.keyRotation().toMillis()).getBytes(StandardCharsets.US_ASCII),
                    currentKey == null ? fresh : currentKey, previousKey == null ? fresh : previousKey);
            updateKeys(pair);
            cleanStep(cmd, now);
            link.ok();
        } catch (RuntimeException e) {
            link.failed("heartbeat", e); // the node keeps its last keys and membership
        }
    }

    /** HSCAN calls of one cleaner step: at most this many times {@link #CLEAN_COUNT} entries per heartbeat. */
    static final int CLEAN_CALLS = 8;
    static final int CLEAN_COUNT = 1000;

    /**
     * Removes snapshot entries older than the peer timeout from a slice of one shard's hash (Redis 7.0 cannot expire
     * hash fields), going on where the last step stopped; every node does it, the work is idempotent. An entry
     * refreshed between the scan and the delete loses its snapshot copy until its next change, which only a
     * catch-up in between would miss.
     */
    private void cleanStep(RedisClusterCommands<byte[], byte[]> cmd, long now) {
        for (int call = 0; call < CLEAN_CALLS; call++) {
            byte[] key = keys.snapshot(cleanShard);
            MapScanCursor<byte[], byte[]> page = cmd.hscan(key, cleanCursor, ScanArgs.Builder.limit(CLEAN_COUNT));
            List<byte[]> old = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : page.getMap().entrySet()) {
                long t = PeerChange.snapshotTime(e.getValue());
                if (t < 0 || now - t > peerTimeoutMillis) {
                    old.add(e.getKey());
                }
            }
            if (!old.isEmpty()) {
                cleaned.inc(cmd.hdel(key, old.toArray(new byte[0][])));
            }
            if (page.isFinished()) {
                cleanShard = (cleanShard + 1) % cfg.shards();
                cleanCursor = ScanCursor.INITIAL;
                return;
            }
            cleanCursor = page;
        }
    }

    private void updateKeys(List<Object> pair) {
        if (pair.size() != 2 || !(pair.get(0) instanceof byte[] cur) || !(pair.get(1) instanceof byte[] prev)
                || cur.length != 16 || prev.length != 16) {
            LOG.warn("cluster: the shared connection-ID keys in Redis are damaged; keeping the last ones");
            return;
        }
        if (!Arrays.equals(cur, currentKey) || !Arrays.equals(prev, previousKey)) {
            boolean first = currentKey == null;
            currentKey = cur;
            previousKey = prev;
            keySink.keys(cur, prev);
            LOG.info("cluster: {} the shared UDP connection-ID key", first ? "using" : "rotated to a new");
        }
    }

    /** Stops the threads (the publisher gets up to one command timeout to send what is queued) and the client. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        control.shutdown();
        applier.stop();
        applyThread.interrupt();
        long deadline = System.nanoTime() + cfg.commandTimeout().toNanos();
        while (outbox.depth() > 0 && link.up() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        publisher.stop();
        publishThread.interrupt();
        join(publishThread);
        join(applyThread);
        try {
            control.awaitTermination(cfg.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (link.up()) {
                link.sync(RedisLink.Use.CONTROL).zrem(keys.members(), cfg.node().getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LOG.debug("cluster: could not leave the membership set", e);
        }
        link.close();
        LOG.info("cluster: node {} left", cfg.node());
    }

    private void join(Thread t) {
        try {
            t.join(cfg.commandTimeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
