package dev.swarm.tracker.access;

import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.ScrapePolicy;
import dev.swarm.tracker.registry.Registry;

/**
 * Private mode scrapes: HTTP {@code /scrape/<passkey>} with an enabled user's passkey, and only registered
 * torrents are shown. UDP scrapes carry no URL data (BEP 41 options exist only on announces), so they are refused.
 */
public final class PrivateScrapePolicy implements ScrapePolicy {
    static final String UDP_REFUSED = "this is a private tracker: scrape over HTTP at /scrape/<your passkey>";

    private final Registry registry;

    public PrivateScrapePolicy(Registry registry) {
        this.registry = registry;
    }

    @Override
    public String checkRequest(AnnounceContext.Transport transport, String path) {
        if (transport == AnnounceContext.Transport.UDP) {
            return UDP_REFUSED;
        }
        return PasskeyPolicy.failure(registry, Passkeys.from(transport, path));
    }

    @Override
    public boolean mayShow(byte[] hashes, int off) {
        return registry.torrent(hashes, off) != null;
    }
}
