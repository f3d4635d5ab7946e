package dev.swarm.tracker.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.tracker.abuse.AnnounceRateLimit;
import dev.swarm.tracker.abuse.FullScrapeLimit;
import dev.swarm.tracker.abuse.InvalidIdBans;
import dev.swarm.tracker.abuse.NewSwarmLimit;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.FullScrapePolicy;
import dev.swarm.tracker.logic.InvalidIdPolicy;
import dev.swarm.tracker.logic.SwarmCreationPolicy;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The policy chain a configuration builds, without sockets: which steps, in which order, and that order at work. */
@Timeout(30)
class AccessChainTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    private static TrackerConfig cfg(Map<String, String> overrides) {
        return ConfigLoader.load(null, overrides);
    }

    private static List<Class<?>> kinds(List<?> steps) {
        return steps.stream().<Class<?>>map(Object::getClass).toList();
    }

    private InfoHashList list() throws Exception {
        Path f = dir.resolve("list.txt");
        Files.writeString(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        return InfoHashList.load(cfg(Map.of("access.info-hash-list", f.toString())).access(), Metrics.NOOP);
    }

    @Test
    void theDefaultConfigurationOnlyLimitsAnnouncesAndNewSwarmsAndAnswersEveryInvalidId() {
        AccessChain chain = AccessChain.of(cfg(Map.of()), null, null, clock, Metrics.NOOP);
        assertEquals(List.of(AnnounceRateLimit.class), kinds(chain.announce()), "issue 11: the rate limit is on");
        assertInstanceOf(NewSwarmLimit.class, chain.swarmCreation(), "issue 11: the new-swarm cap is on");
        assertTrue(chain.observers().isEmpty());
        assertTrue(chain.scrape().isEmpty());
        assertSame(InvalidIdPolicy.ANSWER_ALL, chain.invalidIds(), "bans are off by default");
        AccessChain off = AccessChain.of(cfg(Map.of("limits.announces-per-minute", "0", "limits.new-swarms-per-minute", "0")),
                null, null, clock, Metrics.NOOP);
        assertTrue(off.announce().isEmpty());
        assertSame(SwarmCreationPolicy.UNLIMITED, off.swarmCreation());
    }

    @Test
    void publicStepsRunHowOftenThenWhichClientThenWhichTorrent() throws Exception {
        TrackerConfig c = cfg(Map.of("limits.announces-per-minute", "60", "access.client-deny", "-XX",
                "limits.ban-after-invalid-ids", "100"));
        InfoHashList list = list();
        AccessChain chain = AccessChain.of(c, null, list, clock, Metrics.NOOP);
        assertEquals(List.of(AnnounceRateLimit.class, ClientFilterPolicy.class, InfoHashList.class), kinds(chain.announce()));
        assertEquals(List.of(InfoHashList.class), kinds(chain.scrape()));
        assertInstanceOf(InvalidIdBans.class, chain.invalidIds());
    }

    @Test
    void privateStepsAddPasskeyRegisteredTorrentMayDownloadAndAccounting() throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("mode", "private", "limits.announces-per-minute", "60",
                "access.client-allow", "-qB", "registry.data-dir", dir.resolve("registry").toString(),
                "store.data-dir", dir.resolve("store").toString()));
        TrackerConfig c = cfg(o);
        Registry registry = Registry.open(c.registry(), c.announce().peerTimeout(), clock);
        try {
            AccessChain chain = AccessChain.of(c, registry, null, clock, Metrics.NOOP);
            assertEquals(List.of(AnnounceRateLimit.class, PasskeyPolicy.class, ClientFilterPolicy.class,
                    RegisteredTorrentPolicy.class, MayDownloadPolicy.class), kinds(chain.announce()));
            assertEquals(List.of(AccountingObserver.class), kinds(chain.observers()));
            assertEquals(List.of(PrivateScrapePolicy.class), kinds(chain.scrape()));
        } finally {
            registry.close();
        }
    }

    @Test
    void theRatioStepRunsAfterMayDownloadAndItsObserverAfterAccountingInPrivateModeOnly() throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("mode", "private", "ratio.required", "0=0.5",
                "registry.data-dir", dir.resolve("registry").toString(), "store.data-dir", dir.resolve("store").toString()));
        TrackerConfig c = cfg(o);
        Registry registry = Registry.open(c.registry(), c.announce().peerTimeout(), clock);
        try {
            AccessChain chain = AccessChain.of(c, registry, null, clock, Metrics.NOOP);
            assertEquals(List.of(AnnounceRateLimit.class, PasskeyPolicy.class, RegisteredTorrentPolicy.class,
                    MayDownloadPolicy.class, RatioPolicy.class), kinds(chain.announce()), "the rate limit is on by default");
            assertEquals(List.of(AccountingObserver.class, RatioObserver.class), kinds(chain.observers()),
                    "the standing is evaluated on the totals the accounting has just updated");
            assertSame(InvalidIdPolicy.ANSWER_ALL, chain.invalidIds());
        } finally {
            registry.close();
        }
        o.put("mode", "public");
        AccessChain open = AccessChain.of(cfg(o), null, null, clock, Metrics.NOOP);
        assertEquals(List.of(AnnounceRateLimit.class), kinds(open.announce()), "ratio rules apply in private mode only");
        assertTrue(open.observers().isEmpty(), "ratio rules apply in private mode only");
    }

    @Test
    void privateModeWithoutTheRegistryIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessChain.of(cfg(Map.of("mode", "private")), null, null, clock, Metrics.NOOP));
        assertTrue(e.getMessage().contains("registry"), e.getMessage());
    }

    @Test
    void theRateLimitCountsAnnouncesThatLaterStepsRefuse() {
        AccessChain chain = AccessChain.of(cfg(Map.of("limits.announces-per-minute", "60", "limits.announce-burst", "1",
                "access.client-deny", "-XX")), null, null, clock, Metrics.NOOP);
        AnnounceContext c = new AnnounceContext();
        c.clientAddress = new byte[] {10, 0, 0, 1};
        System.arraycopy("-XX0001-000000000001".getBytes(StandardCharsets.ISO_8859_1), 0, c.peerId, 0, 20);
        assertEquals(List.of("client not allowed on this tracker"), run(chain, c), "the first reaches the client filter");
        assertEquals(List.of("too many announces from your address; slow down"), run(chain, c),
                "the second is stopped by the rate limit before the client filter");
    }

    /** Runs the chain as the logic does; returns the refusal, or an empty list when it let the announce through. */
    private static List<String> run(AccessChain chain, AnnounceContext c) {
        for (var step : chain.announce()) {
            String why = step.check(c);
            if (why != null) {
                return List.of(why);
            }
        }
        return List.of();
    }

    @Test
    void theFullScrapeIntervalIsAStepWhereTheFullScrapeIsServed() {
        FullScrapePolicy limit = AccessChain.of(cfg(Map.of()), null, null, clock, Metrics.NOOP).fullScrape();
        assertInstanceOf(FullScrapeLimit.class, limit, "public mode serves it, one per address per 60 s");
        byte[] a = {10, 0, 0, 1};
        assertEquals(0, limit.acquire(a, clock.millis()));
        assertEquals(60_000, limit.acquire(a, clock.millis()), "the second waits the interval");
        assertEquals(0, limit.acquire(new byte[] {10, 0, 0, 2}, clock.millis()), "another address has its own");
        assertSame(FullScrapePolicy.UNLIMITED, AccessChain.of(cfg(Map.of("scrape.full.min-interval", "0s")), null, null,
                clock, Metrics.NOOP).fullScrape(), "min-interval 0: no limit");
        assertSame(FullScrapePolicy.UNLIMITED, AccessChain.of(cfg(Map.of("scrape.full.enabled", "off")), null, null,
                clock, Metrics.NOOP).fullScrape(), "not served: nothing to limit");
    }

    @Test
    void theDenyListStepRefusesOnlyTheListedTorrent() throws Exception {
        InfoHashList list = list();
        AccessChain chain = AccessChain.of(cfg(Map.of()), null, list, clock, Metrics.NOOP);
        AnnounceContext c = new AnnounceContext();
        java.util.Arrays.fill(c.op.infoHash, (byte) 0xAA);
        assertEquals(List.of("torrent not allowed on this tracker"), run(chain, c), "deny list: listed is refused");
        c.op.infoHash[0] = 0;
        assertNull(chain.announce().get(0).check(c));
    }
}
