package dev.swarm.tracker.cluster;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.AnnounceOp;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.StoreUnavailableException;
import dev.swarm.tracker.swarm.SwarmStore;
import io.lettuce.core.Limit;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier thread: reads the other nodes' changes from every shard's stream and applies them to this node's
 * store through {@link SwarmStore} (never through the logic, so they are not published again).
 *
 * <p>Catch-up, at start and after every failure (Redis down or a command timed out): first the last
 * entry id of every stream is noted, then every shard's snapshot hash is read (HSCAN) and applied, then reading
 * resumes from the noted ids. A change made between the two steps is seen twice, which is harmless (applying a
 * change is idempotent); none is missed.
 *
 * <p>A remote peer is stored with the time of its last change on its origin node (never later than this node's
 * clock), so it expires here when it would have expired there: after the peer timeout without a new change. An
 * entry already older than the peer timeout is skipped. Changes to one peer all go through one stream (the shard
 * of its info-hash), so every node applies them in the same order: the last one written to Redis wins.
 */
final class Applier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    /** Most entries read from one stream per round. */
    static final int READ_COUNT = 512;
    /** Snapshot entries asked for per HSCAN call. */
    static final int SCAN_COUNT = 1000;

    private final TrackerConfig.Cluster cfg;
    private final RedisLink link;
    private final Keys keys;
    private final SwarmStore store;
    private final InstantSource clock;
    private final long peerTimeoutMillis;
    private final byte[] node;
    private final LagRecorder lag;
    private final Metrics.Counter applied;
    private final Metrics.Counter skipped;
    private final Metrics.Counter damaged;
    private final Metrics.Counter catchUps;
    private final String[] lastIds;
    private final AnnounceOp op = new AnnounceOp();
    private final PeerSample sample = new PeerSample(1);
    private final PeerChange change = PeerChange.create();
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    Applier(TrackerConfig.Cluster cfg, RedisLink link, Keys keys, SwarmStore store, InstantSource clock,
            long peerTimeoutMillis, LagRecorder lag, Metrics metrics) {
        this.cfg = cfg;
        this.link = link;
        this.keys = keys;
        this.store = store;
        this.clock = clock;
        this.peerTimeoutMillis = peerTimeoutMillis;
        this.node = cfg.node().getBytes(StandardCharsets.UTF_8);
        this.lag = lag;
        this.applied = metrics.counter("cluster.applied");
        this.skipped = metrics.counter("cluster.applied_skipped");
        this.damaged = metrics.counter("cluster.damaged_entries");
        this.catchUps = metrics.counter("cluster.catch_ups");
        this.lastIds = new String[cfg.shards()];
    }

    void stop() {
        running = false;
    }

    /** Whether the last catch-up finished and no failure happened since. */
    boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void run() {
        long pause = 10;
        while (running) {
            try {
                if (!caughtUp) {
                    catchUp();
                    caughtUp = true;
                }
                if (readRound() == 0) {
                    Thread.sleep(cfg.pollInterval().toMillis());
                }
                link.ok();
                pause = 10;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                caughtUp = false;
                link.failed("apply", e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    return;
                }
                pause = Math.min(1000, pause * 2);
            }
        }
    }

    /** Reads once from every stream and applies what came; returns the number of entries read. */
    int readRound() {
        RedisClusterCommands<byte[], byte[]> cmd = link.sync(RedisLink.Use.APPLY);
        int read = 0;
        if (!link.redisCluster()) {
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<byte[]>[] offsets = new XReadArgs.StreamOffset[lastIds.length];
            for (int s = 0; s < lastIds.length; s++) {
                offsets[s] = XReadArgs.StreamOffset.from(keys.stream(s), lastIds[s]);
            }
            for (StreamMessage<byte[], byte[]> m : cmd.xread(XReadArgs.Builder.count(READ_COUNT), offsets)) {
                lastIds[shardOfStream(m.getStream())] = m.getId();
                apply(m);
                read++;
            }
            return read;
        }
        for (int s = 0; s < lastIds.length; s++) {
            for (StreamMessage<byte[], byte[]> m : cmd.xread(XReadArgs.Builder.count(READ_COUNT),
                    XReadArgs.StreamOffset.from(keys.stream(s), lastIds[s]))) {
                lastIds[s] = m.getId();
                apply(m);
                read++;
            }
        }
        return read;
    }

    private int shardOfStream(byte[] stream) {
        for (int s = 0; s < lastIds.length; s++) {
            if (Arrays.equals(stream, keys.stream(s))) {
                return s;
            }
        }
        throw new IllegalStateException("reply for an unknown stream");
    }

    private void apply(StreamMessage<byte[], byte[]> m) {
        byte[] from = null;
        byte[] data = null;
        for (Map.Entry<byte[], byte[]> f : m.getBody().entrySet()) {
            if (f.getKey().length == 1 && f.getKey()[0] == 'n') {
                from = f.getValue();
            } else if (f.getKey().length == 1 && f.getKey()[0] == 'd') {
                data = f.getValue();
            }
        }
        if (from == null || data == null) {
            damaged.inc();
            return;
        }
        if (Arrays.equals(from, node)) {
            return; // our own change, already in our store
        }
        long now = clock.millis();
        int off = 0;
        while (off < data.length) {
            int next = change.decode(data, off, data.length);
            if (next < 0) {
                damaged.inc();
                return;
            }
            off = next;
            lag.record(Math.max(0, now - change.timeMillis));
            applyChange(now);
        }
    }

    private void applyChange(long now) {
        long at = Math.min(now, change.timeMillis);
        if (now - at > peerTimeoutMillis) {
            skipped.inc();
            return;
        }
        op.infoHash(change.infoHash, 0);
        op.family = change.family;
        System.arraycopy(change.peer, 0, op.peer, 0, change.family.recordLength());
        op.seeder = change.seeder();
        op.numWant = 0;
        op.createSwarm = true;
        try {
            switch (change.kind) {
                case PeerChange.UPSERT -> {
                    op.event = change.completed() ? AnnounceEvent.COMPLETED : AnnounceEvent.NONE;
                    store.announce(op, at, sample);
                }
                case PeerChange.REMOVE -> {
                    op.event = AnnounceEvent.STOPPED;
                    store.announce(op, at, sample);
                }
                default -> {
                    op.event = AnnounceEvent.STOPPED;
                    store.stopByAddress(op, at, sample);
                }
            }
            applied.inc();
        } catch (StoreUnavailableException e) {
            skipped.inc(); // the store logged why; the peer's next change or announce brings it back
        }
    }

    /** Notes every stream's last id, then applies the whole snapshot (see the class comment). */
    void catchUp() {
        long started = System.nanoTime();
        RedisClusterCommands<byte[], byte[]> cmd = link.sync(RedisLink.Use.APPLY);
        for (int s = 0; s < lastIds.length; s++) {
            List<StreamMessage<byte[], byte[]>> last = cmd.xrevrange(keys.stream(s), Range.create("-", "+"), Limit.from(1));
            lastIds[s] = last.isEmpty() ? "0-0" : last.get(0).getId();
        }
        long peers = 0;
        long stale = 0;
        long now = clock.millis();
        for (int s = 0; s < lastIds.length && running; s++) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                MapScanCursor<byte[], byte[]> page = cmd.hscan(keys.snapshot(s), cursor, ScanArgs.Builder.limit(SCAN_COUNT));
                for (Map.Entry<byte[], byte[]> e : page.getMap().entrySet()) {
                    if (!change.fromSnapshot(e.getKey(), e.getValue())) {
                        damaged.inc();
                    } else if (now - change.timeMillis > peerTimeoutMillis) {
                        stale++; // the cleaner removes it
                    } else {
                        applyChange(now);
                        peers++;
                    }
                }
                cursor = page;
            } while (!cursor.isFinished() && running);
        }
        catchUps.inc();
        LOG.info("cluster: caught up from the snapshot: {} peers ({} expired entries skipped) in {} ms", peers, stale,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
