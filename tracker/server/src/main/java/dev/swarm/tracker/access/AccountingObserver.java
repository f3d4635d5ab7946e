package dev.swarm.tracker.access;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Accounting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Private mode: feeds every accepted announce of a known user to {@link Accounting}. */
public final class AccountingObserver implements AnnounceObserver {
    private static final Logger LOG = LoggerFactory.getLogger(AccountingObserver.class);

    private final Accounting accounting;
    private final Metrics.Counter counted;
    private final Metrics.Counter baseline;
    private final Metrics.Counter noRoom;

    public AccountingObserver(Accounting accounting, Metrics metrics) {
        this.accounting = accounting;
        this.counted = metrics.counter("accounting.counted");
        this.baseline = metrics.counter("accounting.baseline_only");
        this.noRoom = metrics.counter("accounting.no_room");
    }

    @Override
    public void accepted(AnnounceContext ctx, long nowMillis) {
        if (ctx.user == null) {
            return;
        }
        Accounting.Result r = accounting.record(ctx.user.name(), ctx.op.infoHash, ctx.peerId, ctx.uploaded,
                ctx.downloaded, ctx.left, ctx.op.event, ctx.freeleech, nowMillis);
        if (ctx.op.event == AnnounceEvent.STOPPED) {
            accounting.recordStop(ctx.user.name(), ctx.op.infoHash, ctx.swarmSeeders, ctx.swarmLeechers, nowMillis);
        }
        switch (r) {
            case COUNTED -> counted.inc();
            case BASELINE -> baseline.inc();
            case NO_ROOM -> {
                // Rate of this log line is bounded by the power-of-two check: 1st, 2nd, 4th, 8th, ... occurrence.
                noRoom.inc();
                long n = noRoom.count();
                if (Long.bitCount(n) == 1) {
                    LOG.warn("accounting table full (registry.max-accounts / max-sessions): {} announces not accounted", n);
                }
            }
        }
    }
}
