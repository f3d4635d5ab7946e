package dev.swarm.tracker.cluster;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Lettuce client: one Redis server or a Redis Cluster, behind the same command interfaces
 * ({@link RedisClusterCommands} is what both a server connection and a cluster connection offer). Keys and values
 * are bytes.
 *
 * <p>Connections are opened lazily by the cluster's own threads ({@link #connection}), never by a request thread:
 * when Redis is unreachable at start the node serves alone and connects later. Once open, Lettuce reconnects by
 * itself; while it is disconnected commands fail at once ({@code REJECT_COMMANDS}) instead of queueing, so nothing
 * unbounded builds up inside the client (a Redis Cluster client queues up to {@link #CLUSTER_QUEUE} instead, see
 * the constructor). Every command has the configured timeout.
 *
 * <p>Up and down are reported here by the threads that use Redis ({@link #ok}, {@link #failed}); the transitions
 * are logged once each (not per command) and every failure is counted ({@code cluster.redis_errors}).
 */
final class RedisLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

    /** Most commands queued per connection of a Redis Cluster client while it (re)connects. */
    static final int CLUSTER_QUEUE = 65_536;

    /** The connections the node uses, one per thread that talks to Redis. */
    enum Use { PUBLISH, APPLY, CONTROL }

    private final TrackerConfig.Cluster cfg;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final List<StatefulConnection<byte[], byte[]>> connections = new ArrayList<>();
    private final AtomicBoolean up = new AtomicBoolean(false);
    private final AtomicBoolean everUp = new AtomicBoolean(false);
    private final Metrics.Counter errors;
    private volatile String lastError = "";
    private volatile boolean closed;

    RedisLink(TrackerConfig.Cluster cfg, Metrics metrics) {
        this.cfg = cfg;
        this.errors = metrics.counter("cluster.redis_errors");
        // Reconnect attempts every 50 ms growing to at most 1 s (Lettuce's default grows to 30 s): a node sees Redis
        // back within about a second of its return, which bounds how long the cluster takes to converge.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        Duration timeout = cfg.commandTimeout();
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        if (cfg.redisCluster()) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String u : cfg.redis()) {
                seeds.add(uri(u, timeout));
            }
            RedisClusterClient c = RedisClusterClient.create(resources, seeds);
            // A cluster connection opens its per-master connections lazily, so rejecting commands while one is not
            // connected yet would fail the first commands to every master; they are queued instead, bounded by the
            // queue size and by the command timeout.
            c.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(CLUSTER_QUEUE)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
            client = c;
        } else {
            RedisClient c = RedisClient.create(resources, uri(cfg.redis().get(0), timeout));
            c.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .build());
            client = c;
        }
        for (int i = 0; i < Use.values().length; i++) {
            connections.add(null);
        }
    }

    private static RedisURI uri(String url, Duration timeout) {
        try {
            RedisURI u = RedisURI.create(url);
            u.setTimeout(timeout);
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster.redis: '" + TrackerConfig.Cluster.redactUrl(url) + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * The connection for {@code use}, opened now if it is not yet.
     *
     * @throws RuntimeException when it cannot be opened (Redis unreachable); the caller reports it with
     *                          {@link #failed} and tries again later
     */
    StatefulConnection<byte[], byte[]> connection(Use use) {
        synchronized (connections) {
            if (closed) {
                throw new IllegalStateException("cluster link closed");
            }
            StatefulConnection<byte[], byte[]> c = connections.get(use.ordinal());
            if (c == null) {
                c = client instanceof RedisClusterClient cc ? cc.connect(ByteArrayCodec.INSTANCE)
                        : ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
                connections.set(use.ordinal(), c);
            }
            return c;
        }
    }

    /** A new connection of this client that the caller owns and closes (see {@code ClusterNode#openConnection}). */
    StatefulConnection<byte[], byte[]> openExtra() {
        if (closed) {
            throw new IllegalStateException("cluster link closed");
        }
        return client instanceof RedisClusterClient cc ? cc.connect(ByteArrayCodec.INSTANCE)
                : ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
    }

    /** Synchronous commands on the connection for {@code use} (see {@link #connection}). */
    RedisClusterCommands<byte[], byte[]> sync(Use use) {
        StatefulConnection<byte[], byte[]> c = connection(use);
        return c instanceof StatefulRedisClusterConnection<byte[], byte[]> cc ? cc.sync()
                : ((StatefulRedisConnection<byte[], byte[]>) c).sync();
    }

    /** Asynchronous commands on the connection for {@code use} (see {@link #connection}). */
    RedisClusterAsyncCommands<byte[], byte[]> async(Use use) {
        StatefulConnection<byte[], byte[]> c = connection(use);
        return c instanceof StatefulRedisClusterConnection<byte[], byte[]> cc ? cc.async()
                : ((StatefulRedisConnection<byte[], byte[]>) c).async();
    }

    boolean redisCluster() {
        return cfg.redisCluster();
    }

    /** A command went through: Redis is reachable. Logs the way back once. */
    void ok() {
        if (up.compareAndSet(false, true)) {
            if (everUp.getAndSet(true)) {
                LOG.info("cluster: Redis reachable again; replication resumes and this node catches up");
            } else {
                LOG.info("cluster: connected to Redis {}", cfg.redis().stream().map(TrackerConfig.Cluster::redactUrl).toList());
            }
        }
    }

    /**
     * A command failed. Counted every time; logged only when the link goes from up to down (or at the first failure
     * after start), so an outage is one line, not one per command.
     */
    void failed(String what, Throwable e) {
        errors.inc();
        String reason = reason(e);
        lastError = what + ": " + reason;
        if (up.compareAndSet(true, false) || !everUp.get() && lastErrorLogged.compareAndSet(false, true)) {
            LOG.warn("cluster: Redis unreachable ({}: {}); this node keeps serving from its own store, its changes wait"
                    + " in the outbox (up to {}) and it catches up when Redis returns", what, reason, cfg.outbox());
        }
    }

    private final AtomicBoolean lastErrorLogged = new AtomicBoolean(false);

    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }

    boolean up() {
        return up.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        synchronized (connections) {
            if (closed) {
                return;
            }
            closed = true;
            for (StatefulConnection<byte[], byte[]> c : connections) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (RuntimeException e) {
                        LOG.debug("closing a Redis connection failed", e);
                    }
                }
            }
        }
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("Redis client shutdown failed", e);
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
