package dev.swarm.tracker.access;

import dev.swarm.tracker.abuse.AnnounceRateLimit;
import dev.swarm.tracker.abuse.FullScrapeLimit;
import dev.swarm.tracker.abuse.InvalidIdBans;
import dev.swarm.tracker.abuse.NewSwarmLimit;
import dev.swarm.tracker.abuse.PasskeyGuessLimit;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.AnnounceObserver;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.logic.FullScrapePolicy;
import dev.swarm.tracker.logic.InvalidIdPolicy;
import dev.swarm.tracker.logic.ScrapePolicy;
import dev.swarm.tracker.logic.SwarmCreationPolicy;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Registry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy chain for a configuration, in the order the checks run: how often (rate limit), who (passkey), with
 * what client (peer_id prefix), on which torrent (registered, info-hash list), doing what (may-download); then
 * accounting after the store; for UDP requests with an invalid connection ID, whether they are answered (bans); which
 * addresses may create new swarms (the new-swarm cap); and how often an address may take a full scrape.
 * Steps that the configuration does not need are left out.
 *
 * @param announce   the announce checks, in order
 * @param observers  what runs after an accepted announce (accounting in private mode)
 * @param scrape     the scrape checks
 * @param invalidIds which requests with an invalid UDP connection ID are answered
 * @param swarmCreation which announces may create a new swarm
 * @param fullScrape how often an address may take a full scrape ({@code scrape.full.min-interval})
 */
public record AccessChain(List<AnnouncePolicy> announce, List<AnnounceObserver> observers, List<ScrapePolicy> scrape,
                          InvalidIdPolicy invalidIds, SwarmCreationPolicy swarmCreation, FullScrapePolicy fullScrape) {

    /**
     * @param registry the registry; required in private mode
     * @param list     the info-hash list, or null when none is configured
     */
    public static AccessChain of(TrackerConfig cfg, Registry registry, InfoHashList list, InstantSource clock,
                                 Metrics metrics) {
        boolean isPrivate = cfg.mode() == TrackerConfig.Mode.PRIVATE;
        if (isPrivate && registry == null) {
            throw new IllegalArgumentException("private mode needs the registry");
        }
        List<AnnouncePolicy> announce = new ArrayList<>();
        List<AnnounceObserver> observers = new ArrayList<>();
        List<ScrapePolicy> scrape = new ArrayList<>();
        if (cfg.limits().announcesPerMinute() > 0) {
            announce.add(new AnnounceRateLimit(cfg.limits(), clock, metrics));
        }
        if (isPrivate) {
            PasskeyGuessLimit guesses = cfg.limits().unknownPasskeysPerMinute() > 0
                    ? new PasskeyGuessLimit(cfg.limits(), metrics) : null;
            announce.add(new PasskeyPolicy(registry, guesses, clock));
            scrape.add(new PrivateScrapePolicy(registry, guesses, clock));
        }
        TrackerConfig.Access a = cfg.access();
        if (ClientFilterPolicy.configured(a.clientAllow(), a.clientDeny())) {
            announce.add(new ClientFilterPolicy(a.clientAllow(), a.clientDeny()));
        }
        if (isPrivate) {
            announce.add(new RegisteredTorrentPolicy(registry));
        }
        if (list != null) {
            announce.add(list);
            scrape.add(list);
        }
        if (isPrivate) {
            announce.add(new MayDownloadPolicy());
            observers.add(new AccountingObserver(registry.accounting(), metrics));
        }
        if (isPrivate && cfg.ratio().any()) {
            announce.add(new RatioPolicy(registry, clock, metrics));
            observers.add(new RatioObserver(registry.standings()));
        }
        InvalidIdPolicy invalidIds = cfg.limits().banAfterInvalidIds() > 0
                ? new InvalidIdBans(cfg.limits(), clock, metrics) : InvalidIdPolicy.ANSWER_ALL;
        SwarmCreationPolicy swarmCreation = cfg.limits().newSwarmsPerMinute() > 0
                ? new NewSwarmLimit(cfg.limits()) : SwarmCreationPolicy.UNLIMITED;
        TrackerConfig.FullScrape full = cfg.scrape().full();
        FullScrapePolicy fullScrape = full.servedIn(cfg.mode()) && full.minInterval().toMillis() > 0
                ? new FullScrapeLimit(cfg.limits().trackedAddresses(), full.minInterval()) : FullScrapePolicy.UNLIMITED;
        return new AccessChain(List.copyOf(announce), List.copyOf(observers), List.copyOf(scrape), invalidIds,
                swarmCreation, fullScrape);
    }
}
