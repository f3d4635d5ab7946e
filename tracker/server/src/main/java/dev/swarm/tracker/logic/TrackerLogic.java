package dev.swarm.tracker.logic;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.AnnounceOp;
import dev.swarm.tracker.swarm.Outcome;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.ScrapeHolder;
import dev.swarm.tracker.swarm.StoreStats;
import dev.swarm.tracker.swarm.StoreUnavailableException;
import dev.swarm.tracker.swarm.SwarmStore;
import java.time.InstantSource;
import java.util.List;

/**
 * Protocol-neutral announce and scrape: runs the policy chain, clamps numwant, applies the announce to the
 * store and reports the intervals. Frontends translate bytes to an {@link AnnounceContext} and the result
 * back to bytes; no swarm logic lives in them.
 */
public final class TrackerLogic {
    private final SwarmStore store;
    private final List<AnnouncePolicy> policies;
    private final List<AnnounceObserver> observers;
    private final List<ScrapePolicy> scrapePolicies;
    private final InvalidIdPolicy invalidIds;
    private final SwarmCreationPolicy swarmCreation;
    private final FullScrapePolicy fullScrape;
    private final InstantSource clock;
    private final int intervalSeconds;
    private final int minIntervalSeconds;
    private final int defaultNumWant;
    private final int maxNumWant;
    private final Metrics.Counter refusedSwarmFull;
    private final Metrics.Counter stopsOnSharedAddress;
    private final Metrics.Counter refusedTooManySwarms;
    private final Metrics.Counter refusedNewSwarmLimit;
    private final Metrics.Counter policyFailures;
    private final Metrics.Counter scrapeRefused;
    private final Metrics.Counter storageUnavailable;

    /** Public tracking without checks: no policies, observers or scrape policies. */
    public TrackerLogic(TrackerConfig.Announce cfg, SwarmStore store, List<AnnouncePolicy> policies, InstantSource clock,
                        Metrics metrics) {
        this(cfg, store, policies, List.of(), List.of(), clock, metrics);
    }

    /**
     * @param policies       the announce chain, run in order before the store; the first failure wins
     * @param observers      called in order after the store for every announce the chain let through
     * @param scrapePolicies run in order on every scrape
     */
    public TrackerLogic(TrackerConfig.Announce cfg, SwarmStore store, List<AnnouncePolicy> policies,
                        List<AnnounceObserver> observers, List<ScrapePolicy> scrapePolicies, InstantSource clock,
                        Metrics metrics) {
        this(cfg, store, policies, observers, scrapePolicies, InvalidIdPolicy.ANSWER_ALL, clock, metrics);
    }

    /** @param invalidIds decides which requests with an invalid UDP connection ID are answered */
    public TrackerLogic(TrackerConfig.Announce cfg, SwarmStore store, List<AnnouncePolicy> policies,
                        List<AnnounceObserver> observers, List<ScrapePolicy> scrapePolicies, InvalidIdPolicy invalidIds,
                        InstantSource clock, Metrics metrics) {
        this(cfg, store, policies, observers, scrapePolicies, invalidIds, SwarmCreationPolicy.UNLIMITED,
                FullScrapePolicy.UNLIMITED, clock, metrics);
    }

    /**
     * @param swarmCreation decides, by client address, whether an announce may create a new swarm
     * @param fullScrape    decides how often an address may take a full scrape
     */
    public TrackerLogic(TrackerConfig.Announce cfg, SwarmStore store, List<AnnouncePolicy> policies,
                        List<AnnounceObserver> observers, List<ScrapePolicy> scrapePolicies, InvalidIdPolicy invalidIds,
                        SwarmCreationPolicy swarmCreation, FullScrapePolicy fullScrape, InstantSource clock,
                        Metrics metrics) {
        this.store = store;
        this.swarmCreation = swarmCreation;
        this.policies = List.copyOf(policies);
        this.observers = List.copyOf(observers);
        this.scrapePolicies = List.copyOf(scrapePolicies);
        this.invalidIds = invalidIds;
        this.fullScrape = fullScrape;
        this.clock = clock;
        this.intervalSeconds = (int) cfg.interval().toSeconds();
        this.minIntervalSeconds = (int) cfg.minInterval().toSeconds();
        this.defaultNumWant = cfg.defaultNumwant();
        this.maxNumWant = cfg.maxNumwant();
        this.refusedSwarmFull = metrics.counter("announce.not_stored.swarm_full");
        this.stopsOnSharedAddress = metrics.counter("announce.not_removed.shared_address");
        this.refusedTooManySwarms = metrics.counter("announce.refused.too_many_swarms");
        this.refusedNewSwarmLimit = metrics.counter("announce.refused.new_swarm_limit");
        this.policyFailures = metrics.counter("announce.refused.policy");
        this.scrapeRefused = metrics.counter("scrape.refused.policy");
        this.storageUnavailable = metrics.counter("store.unavailable");
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    public int minIntervalSeconds() {
        return minIntervalSeconds;
    }

    /** Peers to return: the client's numwant (or the default), capped by the config and the transport. */
    int numWant(int requested, int transportCap) {
        int n = requested < 0 ? defaultNumWant : requested;
        return Math.min(Math.min(n, maxNumWant), transportCap);
    }

    /**
     * Applies one announce.
     *
     * @return null when {@code out} holds the answer, or a failure reason for the client
     */
    public String announce(AnnounceContext ctx, PeerSample out) {
        return announce(ctx, out, clock.millis());
    }

    /**
     * Applies one announce at {@code now} (milliseconds; a frontend that has already read the clock for this
     * request passes its reading instead of reading it again).
     *
     * @return null when {@code out} holds the answer, or a failure reason for the client
     */
    public String announce(AnnounceContext ctx, PeerSample out, long now) {
        ctx.user = null;
        ctx.freeleech = false;
        boolean noPort = portOf(ctx.op) == 0;
        if (noPort && ctx.op.event != AnnounceEvent.STOPPED) {
            // A peer nobody can connect to is never listed. A stop without a port (libtorrent 1.1 stops with port=0
            // once its listen sockets are closed) goes on: it removes the peer of its address if that is the only one
            // there (stopByAddress), is answered without an error and ends the accounting session (keyed by peer_id).
            return "invalid port";
        }
        for (AnnouncePolicy p : policies) {
            String failure = p.check(ctx);
            if (failure != null) {
                policyFailures.inc();
                return failure;
            }
        }
        ctx.op.seeder = ctx.left == 0;
        ctx.op.numWant = numWant(ctx.requestedNumWant, ctx.transportPeerCap);
        byte[] client = ctx.clientAddress;
        ctx.op.createSwarm = client == null || swarmCreation.mayCreate(client, now);
        try {
            if (!noPort) {
                store.announce(ctx.op, now, out);
            } else if (store.stopByAddress(ctx.op, now, out) > 1) {
                stopsOnSharedAddress.inc(); // clients behind one NAT: which one stopped is unknown, none is removed
            }
        } catch (StoreUnavailableException e) {
            // The store logged what happened and what to do; the client gets a refusal, nothing is accounted.
            storageUnavailable.inc();
            return "tracker storage unavailable";
        }
        Outcome o = out.outcome();
        if (out.created() && client != null) {
            swarmCreation.created(client, now);
        }
        if (o == Outcome.TOO_MANY_SWARMS && !ctx.op.createSwarm) {
            refusedNewSwarmLimit.inc();
            return "too many new torrents from your address; try again later";
        }
        if (o == Outcome.TOO_MANY_SWARMS) {
            // Refused: the client gets a failure reason, so the announce is not accounted either.
            refusedTooManySwarms.inc();
            return "tracker is full: too many torrents";
        }
        if (o == Outcome.SWARM_FULL) {
            refusedSwarmFull.inc();
        }
        ctx.swarmSeeders = out.seeders();
        ctx.swarmLeechers = out.leechers();
        for (AnnounceObserver observer : observers) {
            observer.accepted(ctx, now);
        }
        return null;
    }

    private static int portOf(AnnounceOp op) {
        int at = op.family.recordLength() - 2;
        return (op.peer[at] & 0xFF) << 8 | (op.peer[at + 1] & 0xFF);
    }

    /**
     * Checks a scrape request as a whole (passkey, transport) before any counts are looked up.
     *
     * @param path see {@link ScrapePolicy#checkRequest}
     * @return null, or the failure reason to send instead of counts
     */
    public String checkScrape(AnnounceContext.Transport transport, String path) {
        return checkScrape(transport, path, null);
    }

    /**
     * As {@link #checkScrape(AnnounceContext.Transport, String)}, for a request from {@code clientAddress} (4 or 16
     * bytes, as {@link AnnounceContext#clientAddress}; null when unknown).
     */
    public String checkScrape(AnnounceContext.Transport transport, String path, byte[] clientAddress) {
        for (ScrapePolicy p : scrapePolicies) {
            String failure = p.checkRequest(transport, path, clientAddress);
            if (failure != null) {
                scrapeRefused.inc();
                return failure;
            }
        }
        return null;
    }

    /**
     * Scrape counts of one info-hash (both address families), zeros when unknown.
     *
     * @return false when a scrape policy hides this torrent or the store cannot read it; {@code out} must then
     *         not be read
     */
    public boolean scrape(byte[] hashes, int off, ScrapeHolder out) {
        return scrape(hashes, off, out, clock.millis());
    }

    /** Receives the torrents of {@link #forEachTorrent}. */
    @FunctionalInterface
    public interface TorrentSink {
        /**
         * @param infoHash 20 bytes, valid only during the call
         * @return true to go on, false to stop
         */
        boolean torrent(byte[] infoHash, long seeders, long leechers, long downloaded);
    }

    /**
     * Walks the torrents the scrape policies may show, with their scrape counts, at most {@code max} of them (full
     * scrape, status page). O(swarms); the store holds no lock while {@code sink} runs (see
     * {@link SwarmStore#forEachTorrent}).
     *
     * @return the torrents given to the sink; it is {@code max} also when more were left out
     */
    public long forEachTorrent(long max, TorrentSink sink) {
        long[] listed = {0};
        if (max <= 0) {
            return 0;
        }
        store.forEachTorrent((hash, seeders, leechers, downloaded) -> {
            for (ScrapePolicy p : scrapePolicies) {
                if (!p.mayShow(hash, 0)) {
                    return true;
                }
            }
            listed[0]++;
            return sink.torrent(hash, seeders, leechers, downloaded) && listed[0] < max;
        });
        return listed[0];
    }

    /** The store's counts (swarms, peers, seeders, leechers), O(1). */
    public StoreStats stats() {
        return store.stats();
    }

    /** The clock announces and scrapes are timed with, for frontends that keep time-based state. */
    public InstantSource clock() {
        return clock;
    }

    /** As {@link #scrape(byte[], int, ScrapeHolder)}, at {@code nowMillis}. */
    public boolean scrape(byte[] hashes, int off, ScrapeHolder out, long nowMillis) {
        for (ScrapePolicy p : scrapePolicies) {
            if (!p.mayShow(hashes, off)) {
                return false;
            }
        }
        try {
            store.scrape(hashes, off, nowMillis, out);
        } catch (StoreUnavailableException e) {
            storageUnavailable.inc();
            return false; // counts unknown: left out like a hidden torrent
        }
        return true;
    }

    /**
     * A UDP request arrived with an invalid connection ID from {@code address}; see {@link InvalidIdPolicy}.
     *
     * @return true to answer it with an error, false to drop it unanswered
     */
    public boolean answerInvalidConnectionId(byte[] address, long nowMillis) {
        return invalidIds.answer(address, nowMillis);
    }

    /**
     * {@code address} asks for a full scrape; see {@link FullScrapePolicy}.
     *
     * @return 0 if it may go ahead (and is now counted), else the milliseconds until it may
     */
    public long acquireFullScrape(byte[] address, long nowMillis) {
        return fullScrape.acquire(address, nowMillis);
    }
}
