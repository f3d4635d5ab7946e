package dev.swarm.tracker.access;

import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.registry.Standings;

/**
 * Private mode with ratio rules, after {@link AccountingObserver}: re-evaluates the member's standing with the
 * announce just accounted, so the announce that brings the ratio back is the one that ends upload-only; starts and
 * settles seeding requirements.
 */
public final class RatioObserver implements AnnounceObserver {
    private final Standings standings;

    public RatioObserver(Standings standings) {
        this.standings = standings;
    }

    @Override
    public void accepted(AnnounceContext ctx, long nowMillis) {
        if (ctx.user != null) {
            standings.afterAnnounce(ctx.user.name(), InfoHash.of(ctx.op.infoHash, 0), nowMillis);
        }
    }
}
