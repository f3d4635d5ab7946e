package dev.swarm.tracker.access;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;

/**
 * Private mode, after {@link PasskeyPolicy}: a user without the may-download right may only seed; an announce
 * with {@code left > 0} is refused (a {@code stopped} still goes through, so the peer leaves the swarm).
 */
public final class MayDownloadPolicy implements AnnouncePolicy {
    static final String SEED_ONLY = "your account may not download (seeding only)";

    @Override
    public String check(AnnounceContext ctx) {
        if (ctx.user != null && !ctx.user.mayDownload() && ctx.left > 0 && ctx.op.event != AnnounceEvent.STOPPED) {
            return SEED_ONLY;
        }
        return null;
    }
}
