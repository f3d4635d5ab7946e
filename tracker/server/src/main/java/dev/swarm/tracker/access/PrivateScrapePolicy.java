package dev.swarm.tracker.access;

import dev.swarm.tracker.abuse.PasskeyGuessLimit;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.ScrapePolicy;
import dev.swarm.tracker.registry.Registry;
import java.time.InstantSource;

/**
 * Private mode scrapes: HTTP {@code /scrape/<passkey>} with an enabled user's passkey, and only registered
 * torrents are shown. UDP scrapes carry no URL data (BEP 41 options exist only on announces), so they are refused.
 * Unknown passkeys count towards the {@link PasskeyGuessLimit} as on announces.
 */
public final class PrivateScrapePolicy implements ScrapePolicy {
    static final String UDP_REFUSED = "this is a private tracker: scrape over HTTP at /scrape/<your passkey>";

    private final Registry registry;
    private final PasskeyGuessLimit guesses;
    private final InstantSource clock;

    /** @param guesses the passkey-guess limit, or null for none */
    public PrivateScrapePolicy(Registry registry, PasskeyGuessLimit guesses, InstantSource clock) {
        this.registry = registry;
        this.guesses = guesses;
        this.clock = clock;
    }

    @Override
    public String checkRequest(AnnounceContext.Transport transport, String path) {
        return checkRequest(transport, path, null);
    }

    @Override
    public String checkRequest(AnnounceContext.Transport transport, String path, byte[] clientAddress) {
        if (transport == AnnounceContext.Transport.UDP) {
            return UDP_REFUSED;
        }
        return PasskeyPolicy.limitedFailure(registry, guesses, Passkeys.from(transport, path), clientAddress, clock);
    }

    @Override
    public boolean mayShow(byte[] hashes, int off) {
        return registry.torrent(hashes, off) != null;
    }
}
