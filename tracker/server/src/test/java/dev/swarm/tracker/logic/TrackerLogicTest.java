package dev.swarm.tracker.logic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.tracker.abuse.InvalidIdBans;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.swarm.HeapSwarmStore;
import dev.swarm.tracker.swarm.Outcome;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.ScrapeHolder;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStoreConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TrackerLogic} without sockets: an on-heap store, policies and observers written here, and a hand-moved clock.
 * The order of the chain, what a refusal leaves untouched, numwant, the store's refusals, scrape policies, expiry on the
 * injected clock, and the invalid-connection-ID step.
 */
@Timeout(30)
class TrackerLogicTest {
    private static final byte[] HASH = "trackerlogic-hash-01".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] OTHER_HASH = "trackerlogic-hash-02".getBytes(StandardCharsets.ISO_8859_1);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final DropwizardMetrics metrics = DropwizardMetrics.create();
    private final TrackerConfig.Announce announceCfg = ConfigLoader.load(null, Map.of(
            "announce.default-numwant", "5", "announce.max-numwant", "8", "announce.interval", "20m",
            "announce.min-interval", "2m")).announce();
    private SwarmStore store = store(1000, 1000);
    private final PeerSample sample = new PeerSample(100);

    private static SwarmStore store(long maxSwarms, int maxPeersPerSwarm) {
        return new HeapSwarmStore(new SwarmStoreConfig(null, maxSwarms, maxPeersPerSwarm, 1, Duration.ofMinutes(45)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private TrackerLogic logic(List<AnnouncePolicy> policies, List<AnnounceObserver> observers,
                               List<ScrapePolicy> scrape) {
        return new TrackerLogic(announceCfg, store, policies, observers, scrape, clock, metrics);
    }

    /** An announce of the peer 10.0.0.{@code host}:6881 that still has {@code left} bytes to get. */
    private static AnnounceContext ctx(byte[] hash, int host, long left) {
        AnnounceContext c = new AnnounceContext();
        c.transport = AnnounceContext.Transport.HTTP;
        c.transportPeerCap = Integer.MAX_VALUE;
        c.requestedNumWant = -1;
        c.op.infoHash(hash, 0).peer(new byte[] {10, 0, 0, (byte) host}, 6881);
        c.op.event = AnnounceEvent.NONE;
        c.left = left;
        c.clientAddress = new byte[] {10, 0, 0, (byte) host};
        return c;
    }

    @Test
    void theChainRunsInOrderAndTheFirstRefusalWinsBeforeTheStoreIsTouched() {
        List<String> ran = new ArrayList<>();
        List<AnnounceContext> observed = new ArrayList<>();
        TrackerLogic logic = logic(List.of(
                c -> {
                    ran.add("first");
                    return null;
                },
                c -> {
                    ran.add("second");
                    return "refused by the second";
                },
                c -> {
                    ran.add("third");
                    return "refused by the third";
                }), List.of((c, now) -> observed.add(c)), List.of());
        assertEquals("refused by the second", logic.announce(ctx(HASH, 1, 10), sample));
        assertEquals(List.of("first", "second"), ran);
        assertTrue(observed.isEmpty(), "a refused announce is not observed");
        assertEquals(0, logic.stats().peers(), "a refused announce does not reach the store");
        assertEquals(1, metrics.counter("announce.refused.policy").count());
    }

    @Test
    void anAcceptedAnnounceIsStoredThenObservedAtItsTime() {
        List<Long> observedAt = new ArrayList<>();
        List<Boolean> seederSeen = new ArrayList<>();
        TrackerLogic logic = logic(List.of(c -> null), List.of((c, now) -> {
            observedAt.add(now);
            seederSeen.add(c.op.seeder);
        }), List.of());
        assertNull(logic.announce(ctx(HASH, 1, 0), sample, 1_800_000_123_000L));
        assertNull(logic.announce(ctx(HASH, 2, 10), sample));
        assertEquals(List.of(1_800_000_123_000L, clock.millis()), observedAt, "the time passed in, else the clock's");
        assertEquals(List.of(true, false), seederSeen, "seeder is left == 0");
        assertEquals(1, sample.seeders());
        assertEquals(1, sample.leechers());
        assertEquals(1, sample.count(), "the leecher gets the seeder");
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1A, (byte) 0xE1}, Arrays.copyOf(sample.peers(), 6));
        assertEquals(2, logic.stats().peers());
        assertEquals(1200, logic.intervalSeconds());
        assertEquals(120, logic.minIntervalSeconds());
    }

    @Test
    void contextStateOfThePreviousRequestIsClearedBeforeTheChain() {
        List<Boolean> clean = new ArrayList<>();
        TrackerLogic logic = logic(List.of(c -> {
            clean.add(c.user == null && !c.freeleech);
            c.freeleech = true;
            return null;
        }), List.of(), List.of());
        AnnounceContext reused = ctx(HASH, 1, 10);
        logic.announce(reused, sample);
        logic.announce(reused, sample);
        assertEquals(List.of(true, true), clean);
    }

    @Test
    void numwantIsTheClientsOrTheDefaultCappedByTheConfigAndTheTransport() {
        assertEquals(5, logic(List.of(), List.of(), List.of()).numWant(-1, Integer.MAX_VALUE));
        TrackerLogic logic = logic(List.of(), List.of(), List.of());
        for (int host = 1; host <= 20; host++) {
            assertNull(logic.announce(ctx(HASH, host, 10), sample));
        }
        AnnounceContext c = ctx(HASH, 21, 10);
        logic.announce(c, sample);
        assertEquals(5, sample.count(), "no numwant: default-numwant");
        c.requestedNumWant = 3;
        logic.announce(c, sample);
        assertEquals(3, sample.count(), "the client's numwant");
        c.requestedNumWant = 1000;
        logic.announce(c, sample);
        assertEquals(8, sample.count(), "capped at max-numwant");
        c.transportPeerCap = 2;
        logic.announce(c, sample);
        assertEquals(2, sample.count(), "capped by what the transport carries");
    }

    @Test
    void aNewTorrentBeyondTheStoreLimitIsRefusedAndNotObserved() {
        store.close();
        store = store(1, 1000);
        List<AnnounceContext> observed = new ArrayList<>();
        TrackerLogic logic = logic(List.of(), List.of((c, now) -> observed.add(c)), List.of());
        assertNull(logic.announce(ctx(HASH, 1, 10), sample));
        assertEquals("tracker is full: too many torrents", logic.announce(ctx(OTHER_HASH, 1, 10), sample));
        assertEquals(1, observed.size());
        assertEquals(1, metrics.counter("announce.refused.too_many_swarms").count());
    }

    @Test
    void aPeerBeyondAFullSwarmIsAnsweredAndObservedButNotStored() {
        store.close();
        store = store(10, 1);
        List<AnnounceContext> observed = new ArrayList<>();
        TrackerLogic logic = logic(List.of(), List.of((c, now) -> observed.add(c)), List.of());
        assertNull(logic.announce(ctx(HASH, 1, 0), sample));
        assertNull(logic.announce(ctx(HASH, 2, 10), sample), "a full swarm still answers");
        assertEquals(1, sample.count(), "with a sample");
        assertEquals(2, observed.size());
        assertEquals(1, logic.stats().peers());
        assertEquals(1, metrics.counter("announce.not_stored.swarm_full").count());
    }

    /** A stop with port 0 from 10.0.0.{@code host} (libtorrent 1.1 at shutdown). */
    private static AnnounceContext stopWithoutPort(int host) {
        AnnounceContext c = ctx(HASH, host, 0);
        c.op.peer(new byte[] {10, 0, 0, (byte) host}, 0);
        c.op.event = AnnounceEvent.STOPPED;
        return c;
    }

    @Test
    void aStopWithoutPortRemovesTheOnlyPeerOfItsAddressAndIsObserved() {
        List<AnnounceContext> observed = new ArrayList<>();
        List<String> chain = new ArrayList<>();
        TrackerLogic logic = logic(List.of(c -> {
            chain.add(c.op.event.name());
            return null;
        }), List.of((c, now) -> observed.add(c)), List.of());
        assertNull(logic.announce(ctx(HASH, 1, 0), sample));
        assertNull(logic.announce(ctx(HASH, 2, 10), sample));
        AnnounceContext start = ctx(HASH, 3, 10);
        start.op.peer(new byte[] {10, 0, 0, 3}, 0);
        start.op.event = AnnounceEvent.STARTED;
        assertEquals("invalid port", logic.announce(start, sample), "a peer nobody can reach is never listed");
        assertEquals(2, logic.stats().peers());

        AnnounceContext stop = stopWithoutPort(2);
        assertNull(logic.announce(stop, sample));
        assertEquals(Outcome.REMOVED, sample.outcome());
        assertEquals(0, sample.count());
        assertEquals(1, logic.stats().peers(), "10.0.0.2, alone on its address, is gone");
        assertEquals(List.of("NONE", "NONE", "STOPPED"), chain, "the stop passes the chain like any announce");
        assertEquals(List.of(stop), observed.subList(2, 3), "and is observed (accounting ends its session)");
        assertEquals(1, stop.swarmSeeders);
        assertEquals(0, stop.swarmLeechers, "the swarm without the stopped peer");
        assertEquals(0, metrics.counter("announce.not_removed.shared_address").count());
    }

    @Test
    void aStopWithoutPortFromAnAddressSharedByPeersRemovesNoneAndIsCounted() {
        TrackerLogic logic = logic(List.of(), List.of(), List.of());
        AnnounceContext other = ctx(HASH, 1, 10);
        other.op.peer(new byte[] {10, 0, 0, 1}, 6882);
        assertNull(logic.announce(ctx(HASH, 1, 0), sample));
        assertNull(logic.announce(other, sample));
        assertNull(logic.announce(stopWithoutPort(1), sample), "answered all the same");
        assertEquals(Outcome.REMOVED, sample.outcome());
        assertEquals(2, logic.stats().peers(), "two clients behind one NAT: neither is removed");
        assertEquals(1, metrics.counter("announce.not_removed.shared_address").count());
        assertNull(logic.announce(stopWithoutPort(9), sample), "nobody at that address");
        assertEquals(1, metrics.counter("announce.not_removed.shared_address").count(), "absent is not ambiguous");
    }

    @Test
    void scrapePoliciesRefuseTheRequestOrHideATorrent() {
        TrackerLogic logic = logic(List.of(), List.of(), List.of(new ScrapePolicy() {
            @Override
            public String checkRequest(AnnounceContext.Transport transport, String path) {
                return path.equals("bad") ? "no scrapes for you" : null;
            }

            @Override
            public boolean mayShow(byte[] hashes, int off) {
                return hashes[off + 19] != OTHER_HASH[19];
            }
        }));
        logic.announce(ctx(HASH, 1, 0), sample);
        logic.announce(ctx(OTHER_HASH, 1, 0), sample);
        assertEquals("no scrapes for you", logic.checkScrape(AnnounceContext.Transport.HTTP, "bad"));
        assertNull(logic.checkScrape(AnnounceContext.Transport.UDP, ""));
        assertEquals(1, metrics.counter("scrape.refused.policy").count());
        ScrapeHolder counts = new ScrapeHolder();
        assertTrue(logic.scrape(HASH, 0, counts));
        assertEquals(1, counts.seeders());
        assertFalse(logic.scrape(OTHER_HASH, 0, counts), "hidden by the policy");
        assertEquals(2, logic.stats().swarms(), "both torrents are in the store all the same");
    }

    @Test
    void peersExpireOnTheInjectedClock() {
        TrackerLogic logic = logic(List.of(), List.of(), List.of());
        logic.announce(ctx(HASH, 1, 0), sample);
        clock.advance(Duration.ofMinutes(45).toMillis());
        logic.announce(ctx(HASH, 2, 10), sample);
        assertEquals(1, sample.count(), "45 minutes: not yet expired");
        clock.advance(2000);
        logic.announce(ctx(HASH, 3, 10), sample);
        assertEquals(1, sample.count(), "peer 1 expired; peer 2, seen 2 s ago, is the sample");
        assertArrayEquals(new byte[] {10, 0, 0, 2}, Arrays.copyOf(sample.peers(), 4));
    }

    @Test
    void invalidConnectionIdsAreAnsweredUnlessTheBanStepSaysNot() {
        TrackerLogic open = logic(List.of(), List.of(), List.of());
        byte[] a = {10, 0, 0, 1};
        for (int i = 0; i < 1000; i++) {
            assertTrue(open.answerInvalidConnectionId(a, clock.millis()), "no ban step: always answered");
        }
        TrackerConfig.Limits limits = ConfigLoader.load(null, Map.of("limits.ban-after-invalid-ids", "3")).limits();
        TrackerLogic banning = new TrackerLogic(announceCfg, store, List.of(), List.of(), List.of(),
                new InvalidIdBans(limits, clock, Metrics.NOOP), clock, metrics);
        assertTrue(banning.answerInvalidConnectionId(a, clock.millis()));
        assertTrue(banning.answerInvalidConnectionId(a, clock.millis()));
        assertFalse(banning.answerInvalidConnectionId(a, clock.millis()), "the third bans");
        assertTrue(banning.answerInvalidConnectionId(new byte[] {10, 0, 0, 2}, clock.millis()), "only that address");
        assertNull(banning.announce(ctx(HASH, 1, 10), sample), "a banned address's announces are not refused");
    }
}
