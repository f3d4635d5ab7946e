package dev.swarm.tracker.cluster;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher thread: takes batches from the {@link Outbox} and writes them to Redis in one pipeline per batch,
 * on its own connection:
 * <ul>
 *   <li>per shard one {@code XADD {p:s}:changes MAXLEN ~ n * n <node> d <records>} (the changes, for the appliers);</li>
 *   <li>per shard the snapshot: one {@code HSET} of the peers added or refreshed and an {@code HDEL} per stop in the
 *       shard's snapshot hash (for catch-up). A stop without a port names no peer: it is in the stream, and its
 *       snapshot entry is left to the cleaner.</li>
 * </ul>
 * A batch that fails (Redis down, timeout) is kept and retried with a growing pause (up to 1 s) until it goes
 * through or the node stops; meanwhile new changes wait in the outbox, which drops and counts what does not fit.
 * So an outage loses nothing that fits in the outbox, and memory stays bounded.
 */
final class Publisher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** Most changes in one pipeline: up to 150-200 KiB of stream data, one HSET and one XADD per shard. */
    static final int BATCH = 4096;
    private static final byte[] NODE_FIELD = {'n'};
    private static final byte[] DATA_FIELD = {'d'};

    private final TrackerConfig.Cluster cfg;
    private final RedisLink link;
    private final Outbox outbox;
    private final Keys keys;
    private final byte[] node;
    private final Metrics.Counter published;
    private final XAddArgs xadd;
    private volatile boolean running = true;

    Publisher(TrackerConfig.Cluster cfg, RedisLink link, Outbox outbox, Keys keys, Metrics metrics) {
        this.cfg = cfg;
        this.link = link;
        this.outbox = outbox;
        this.keys = keys;
        this.node = cfg.node().getBytes(StandardCharsets.UTF_8);
        this.published = metrics.counter("cluster.published");
        this.xadd = new XAddArgs().maxlen(cfg.streamMaxLength()).approximateTrimming();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        List<byte[]> batch = new ArrayList<>(BATCH);
        long pause = 10;
        while (running) {
            try {
                if (batch.isEmpty() && outbox.drain(batch, BATCH, 100) == 0) {
                    continue;
                }
                publish(batch);
                published.inc(batch.size());
                batch.clear();
                link.ok();
                pause = 10;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // stopping: the interrupt ended the wait for replies
                }
                link.failed("publish", e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    return;
                }
                pause = Math.min(1000, pause * 2);
            }
        }
    }

    /** Per shard: the stream entry being built and the snapshot writes, in the order of the changes. */
    private final class ShardWrites {
        final ByteArrayOutputStream stream = new ByteArrayOutputStream(4096);
        Map<byte[], byte[]> upserts = new LinkedHashMap<>();

        void flush(int shard, RedisClusterAsyncCommands<byte[], byte[]> cmd, List<RedisFuture<?>> replies) {
            if (!upserts.isEmpty()) {
                replies.add(cmd.hset(keys.snapshot(shard), upserts));
                upserts = new LinkedHashMap<>();
            }
        }
    }

    /** Sends one batch as one pipeline and waits for every reply (bounded by the command timeout). */
    void publish(List<byte[]> batch) {
        int shards = cfg.shards();
        StatefulConnection<byte[], byte[]> conn = link.connection(RedisLink.Use.PUBLISH);
        RedisClusterAsyncCommands<byte[], byte[]> cmd = link.async(RedisLink.Use.PUBLISH);
        List<RedisFuture<?>> replies = new ArrayList<>();
        Map<Integer, ShardWrites> perShard = new HashMap<>();
        conn.setAutoFlushCommands(false);
        try {
            PeerChange c = PeerChange.create();
            for (byte[] rec : batch) {
                c.decode(rec, 0, rec.length);
                int shard = PeerChange.shardOf(c.infoHash, shards);
                ShardWrites w = perShard.computeIfAbsent(shard, s -> new ShardWrites());
                w.stream.writeBytes(rec);
                if (c.kind == PeerChange.UPSERT) {
                    w.upserts.put(PeerChange.snapshotField(c.infoHash, c.family, c.peer),
                            PeerChange.snapshotValue(c.flags, c.timeMillis));
                } else if (c.kind == PeerChange.REMOVE) {
                    w.flush(shard, cmd, replies); // what came before the stop is written before it
                    replies.add(cmd.hdel(keys.snapshot(shard), PeerChange.snapshotField(c.infoHash, c.family, c.peer)));
                }
            }
            // The stream entries last: a node that sees an entry (catch-up notes the last ids) then also sees its
            // snapshot writes, which went before it on this connection (and, in a Redis Cluster, to the same slot).
            for (Map.Entry<Integer, ShardWrites> e : perShard.entrySet()) {
                e.getValue().flush(e.getKey(), cmd, replies);
                Map<byte[], byte[]> body = new LinkedHashMap<>();
                body.put(NODE_FIELD, node);
                body.put(DATA_FIELD, e.getValue().stream.toByteArray());
                replies.add(cmd.xadd(keys.stream(e.getKey()), xadd, body));
            }
            conn.flushCommands();
        } finally {
            conn.setAutoFlushCommands(true);
        }
        long timeout = cfg.commandTimeout().toMillis();
        if (!LettuceFutures.awaitAll(timeout, TimeUnit.MILLISECONDS, replies.toArray(new RedisFuture<?>[0]))) {
            throw new IllegalStateException("no reply within cluster.command-timeout (" + timeout + " ms)");
        }
        for (RedisFuture<?> f : replies) {
            String err = f.getError();
            if (err != null) {
                throw new IllegalStateException("Redis refused a write: " + err);
            }
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("published {} changes in {} shards", batch.size(), perShard.size());
        }
    }
}
