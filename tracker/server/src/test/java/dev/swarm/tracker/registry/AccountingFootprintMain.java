package dev.swarm.tracker.registry;

import dev.swarm.protocol.AnnounceEvent;
import java.nio.ByteBuffer;

/**
 * Measures the heap an accounting session and an account take (the figures behind {@code HeapBudget}): fills an
 * {@link Accounting} with N sessions of one user on one torrent (new peer_ids, the flood of issue 11 item 4), then
 * with N accounts (one session each), and prints the used-heap growth per entry after a full GC. Not a test; run:
 * {@code java -cp <test classpath> dev.swarm.tracker.registry.AccountingFootprintMain 200000}
 */
public final class AccountingFootprintMain {
    private AccountingFootprintMain() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long now = System.currentTimeMillis();
        byte[] hash = new byte[20];
        byte[] peer = new byte[20];
        Accounting sessions = new Accounting(n + 1, n, n, 45 * 60_000L);
        long before = used();
        for (int i = 0; i < n; i++) {
            ByteBuffer.wrap(peer).putInt(12, i);
            sessions.record("mallory", hash, peer, 0, 0, 1, AnnounceEvent.STARTED, false, now);
        }
        sessions.drainDirty(); // the dirty sets are emptied by every flush
        long perSession = (used() - before) / n;
        for (int i = 0; i < n; i++) { // every session changed: a flush drains them all
            ByteBuffer.wrap(peer).putInt(12, i);
            sessions.record("mallory", hash, peer, 10, 0, 1, AnnounceEvent.NONE, false, now);
        }
        long beforeDrain = used();
        java.util.List<?> drained = sessions.drainDirty();
        long perDrained = (used() - beforeDrain) / drained.size();
        Accounting accounts = new Accounting(n, n, n, 45 * 60_000L);
        before = used();
        for (int i = 0; i < n; i++) {
            ByteBuffer.wrap(hash).putInt(0, i);
            accounts.record("user" + (i % 1000), hash, peer, 0, 0, 1, AnnounceEvent.STARTED, false, now);
        }
        accounts.drainDirty();
        long perAccountAndSession = (used() - before) / n;
        System.out.printf("n=%d session=%d B, account+session=%d B, so account=%d B, drained entry=%d B"
                + " (sessions %d, accounts %d, drained %d)%n", n, perSession, perAccountAndSession,
                perAccountAndSession - perSession, perDrained, sessions.sessionCount(), accounts.accountCount(),
                drained.size());
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}
