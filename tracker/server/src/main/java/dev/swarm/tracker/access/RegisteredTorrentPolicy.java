package dev.swarm.tracker.access;

import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.Torrent;

/** Private mode: only registered torrents are tracked. Sets {@link AnnounceContext#freeleech}. */
public final class RegisteredTorrentPolicy implements AnnouncePolicy {
    static final String UNREGISTERED = "torrent not registered with this tracker";

    private final Registry registry;

    public RegisteredTorrentPolicy(Registry registry) {
        this.registry = registry;
    }

    @Override
    public String check(AnnounceContext ctx) {
        Torrent t = registry.torrent(ctx.op.infoHash, 0);
        if (t == null) {
            return UNREGISTERED;
        }
        ctx.freeleech = t.freeleech();
        return null;
    }
}
