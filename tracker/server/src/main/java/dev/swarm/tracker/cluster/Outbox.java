package dev.swarm.tracker.cluster;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.AnnounceOp;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The accepted changes of this node waiting to be published: the observer end runs on request threads and never
 * blocks (a full outbox drops the change and counts it, {@code cluster.outbox_dropped}); the publisher drains it.
 * Bounded by {@code cluster.outbox} changes of at most {@code PeerChange.length(V6)} bytes each.
 *
 * <p>The logic calls {@link #accepted} for every announce that passed its chain, so the frontends and the logic
 * do not know they run in a cluster. Changes applied from other nodes go straight to the store, never through the
 * logic, so they are never published again (no echo).
 */
final class Outbox implements AnnounceObserver {
    private final ArrayBlockingQueue<byte[]> queue;
    private final Metrics.Counter dropped;
    private final Metrics.Counter queued;

    Outbox(int capacity, Metrics metrics) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = metrics.counter("cluster.outbox_dropped");
        this.queued = metrics.counter("cluster.outbox_queued");
    }

    @Override
    public void accepted(AnnounceContext ctx, long nowMillis) {
        AnnounceOp op = ctx.op;
        int portAt = op.family.recordLength() - 2;
        boolean noPort = op.peer[portAt] == 0 && op.peer[portAt + 1] == 0;
        // BEP 21 paused: the store takes the peer out of the swarm (handed peers, neither listed nor counted), so
        // the other nodes remove it too
        boolean leaves = op.event == AnnounceEvent.STOPPED || op.event == AnnounceEvent.PAUSED;
        byte kind = !leaves ? PeerChange.UPSERT : noPort ? PeerChange.REMOVE_BY_ADDRESS : PeerChange.REMOVE;
        int flags = (op.seeder ? PeerChange.SEEDER : 0) | (op.event == AnnounceEvent.COMPLETED ? PeerChange.COMPLETED : 0);
        int n = op.family.recordLength();
        byte[] rec = new byte[PeerChange.HEADER + n + 8];
        rec[0] = kind;
        rec[1] = (byte) flags;
        rec[2] = (byte) op.family.addressLength();
        System.arraycopy(op.infoHash, 0, rec, 3, 20);
        System.arraycopy(op.peer, 0, rec, PeerChange.HEADER, n);
        PeerChange.putLong(rec, PeerChange.HEADER + n, nowMillis);
        offer(rec);
    }

    /** Queues one encoded change; false (and counted) when the outbox is full. */
    boolean offer(byte[] record) {
        if (queue.offer(record)) {
            queued.inc();
            return true;
        }
        dropped.inc();
        return false;
    }

    /** Waits up to {@code waitMillis} for a first change, then takes up to {@code max} in all. */
    int drain(List<byte[]> into, int max, long waitMillis) throws InterruptedException {
        byte[] first = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return 0;
        }
        into.add(first);
        return 1 + queue.drainTo(into, max - 1);
    }

    int depth() {
        return queue.size();
    }

    long droppedCount() {
        return dropped.count();
    }
}
