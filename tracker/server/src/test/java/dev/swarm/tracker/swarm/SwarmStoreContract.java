package dev.swarm.tracker.swarm;

import static dev.swarm.protocol.AnnounceEvent.COMPLETED;
import static dev.swarm.protocol.AnnounceEvent.NONE;
import static dev.swarm.protocol.AnnounceEvent.STARTED;
import static dev.swarm.protocol.AnnounceEvent.STOPPED;
import static dev.swarm.tracker.swarm.Family.V4;
import static dev.swarm.tracker.swarm.Family.V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The obligations of {@link SwarmStore}, run against every implementation by a subclass. Time is a
 * plain number passed in; nothing sleeps.
 */
abstract class SwarmStoreContract {
    static final long T0 = 1_700_000_000_000L;
    static final int TIMEOUT_SEC = 60;
    static final int MAX_PEERS = 200;

    @TempDir
    Path dir;

    private final List<SwarmStore> opened = new ArrayList<>();
    final AnnounceOp op = new AnnounceOp();
    final PeerSample out = new PeerSample(500);

    /** Opens a store of the implementation under test with this configuration (dataDir is ignored by the heap store). */
    abstract SwarmStore open(SwarmStoreConfig config);

    /** Calls {@link SwarmStore#expireStep} often enough to cover the whole store at least once. */
    abstract int sweepAll(SwarmStore store, long nowMillis);

    SwarmStoreConfig config(long maxSwarms, int maxPeers, int expectedPeers) {
        return new SwarmStoreConfig(dir.resolve("store"), maxSwarms, maxPeers, maxSwarms, expectedPeers,
                Duration.ofSeconds(TIMEOUT_SEC), SwarmStoreConfig.OnCorrupt.QUARANTINE);
    }

    SwarmStore store(long maxSwarms, int maxPeers) {
        SwarmStore s = open(config(maxSwarms, maxPeers, Math.min(20, maxPeers)));
        opened.add(s);
        return s;
    }

    SwarmStore store() {
        return store(1000, MAX_PEERS);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(SwarmStore::close);
    }

    PeerSample announce(SwarmStore s, int torrent, Family f, int peer, AnnounceEvent e, boolean seeder, int numWant,
                        long now) {
        s.announce(Peers.fill(op, torrent, f, peer, e, seeder, numWant), now, out);
        return out;
    }

    static ScrapeHolder scrape(SwarmStore s, int torrent, long now) {
        ScrapeHolder h = new ScrapeHolder();
        s.scrape(Peers.hash(torrent), 0, now, h);
        return h;
    }

    static void assertCounts(PeerSample p, Outcome outcome, int seeders, int leechers, long downloaded) {
        assertEquals(outcome, p.outcome(), "outcome");
        assertEquals(seeders, p.seeders(), "seeders");
        assertEquals(leechers, p.leechers(), "leechers");
        assertEquals(downloaded, p.downloaded(), "downloaded");
    }

    @Test
    void aPausedPeerGetsPeersButIsNeitherListedNorCounted() {
        SwarmStore s = store();
        assertCounts(announce(s, 1, V4, 9, AnnounceEvent.PAUSED, false, 50, T0), Outcome.OK, 0, 0, 0);
        assertEquals(0, out.count());
        assertEquals(0, s.stats().v4().swarms(), "no swarm made for a paused peer alone");
        announce(s, 1, V4, 1, STARTED, true, 50, T0);
        announce(s, 1, V4, 2, STARTED, false, 50, T0);
        assertCounts(announce(s, 1, V4, 9, AnnounceEvent.PAUSED, false, 50, T0 + 1000), Outcome.OK, 1, 1, 0);
        assertEquals(Set.of(Peers.record(V4, 1), Peers.record(V4, 2)), Peers.records(out), "handed seeds and leechers");
        assertCounts(announce(s, 1, V4, 2, NONE, false, 50, T0 + 1000), Outcome.OK, 1, 1, 0);
        assertEquals(Set.of(Peers.record(V4, 1)), Peers.records(out), "the paused peer is not handed out");
        ScrapeHolder h = scrape(s, 1, T0 + 1000);
        assertEquals(1, h.seeders());
        assertEquals(1, h.leechers(), "the paused peer is not a leecher");
        // A listed leecher that pauses leaves the counts (BEP 21 partial seed / observer).
        assertCounts(announce(s, 1, V4, 2, AnnounceEvent.PAUSED, false, 50, T0 + 2000), Outcome.OK, 1, 0, 0);
        assertEquals(Set.of(Peers.record(V4, 1)), Peers.records(out));
        assertEquals(0, scrape(s, 1, T0 + 2000).leechers());
        assertEquals(new StoreStats.FamilyStats(1, 1, 0), s.stats().v4());
    }

    @Test
    void addRefreshAndStop() {
        SwarmStore s = store();
        assertCounts(announce(s, 1, V4, 1, STARTED, false, 50, T0), Outcome.OK, 0, 1, 0);
        assertEquals(0, out.count(), "alone in the swarm");
        assertCounts(announce(s, 1, V4, 2, STARTED, false, 50, T0), Outcome.OK, 0, 2, 0);
        assertEquals(Set.of(Peers.record(V4, 1)), Peers.records(out));
        assertEquals(6, out.bytes());

        assertCounts(announce(s, 1, V4, 1, NONE, false, 50, T0 + 1000), Outcome.OK, 0, 2, 0);
        assertEquals(Set.of(Peers.record(V4, 2)), Peers.records(out), "a refresh adds nobody");

        assertCounts(announce(s, 1, V4, 1, STOPPED, false, 50, T0 + 2000), Outcome.REMOVED, 0, 1, 0);
        assertEquals(0, out.count(), "stopped gets no peers");
        assertCounts(announce(s, 1, V4, 2, NONE, false, 50, T0 + 2000), Outcome.OK, 0, 1, 0);
        assertEquals(0, out.count(), "the stopped peer is gone");
        assertCounts(announce(s, 1, V4, 9, STOPPED, false, 50, T0), Outcome.REMOVED, 0, 1, 0);
        assertEquals(new StoreStats.FamilyStats(1, 0, 1), s.stats().v4());
    }

    @Test
    void stoppedForUnknownSwarmCreatesNothing() {
        SwarmStore s = store();
        assertCounts(announce(s, 5, V4, 1, STOPPED, false, 50, T0), Outcome.REMOVED, 0, 0, 0);
        assertEquals(0, s.stats().swarms());
    }

    /**
     * Address {@code i} (0..65535) of family {@code f}: 10.1.x.y, or 2001:db8::/64 with the top bit of the second
     * 8-byte half set for even {@code i} (so that the range search compares unsigned) and {@code i} in the last bytes.
     */
    static byte[] address(Family f, int i) {
        if (f == V4) {
            return new byte[] {10, 1, (byte) (i >>> 8), (byte) i};
        }
        byte[] a = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        a[8] = (byte) (i % 2 == 0 ? 0x80 : 0x00);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }

    PeerSample announceAt(SwarmStore s, byte[] address, int port, AnnounceEvent e, boolean seeder, int numWant,
                          long now) {
        op.infoHash(Peers.hash(1), 0).peer(address, port);
        op.event = e;
        op.seeder = seeder;
        op.numWant = numWant;
        s.announce(op, now, out);
        return out;
    }

    /** A stop without a port (port 0) from {@code address} to torrent {@code torrent}. */
    int stopWithoutPort(SwarmStore s, int torrent, byte[] address, long now) {
        op.infoHash(Peers.hash(torrent), 0).peer(address, 0);
        op.event = STOPPED;
        op.seeder = false;
        op.numWant = 50;
        return s.stopByAddress(op, now, out);
    }

    static String record(byte[] address, int port) {
        return HexFormat.of().formatHex(new AnnounceOp().peer(address, port).peer, 0, address.length + 2);
    }

    static StoreStats.FamilyStats stats(SwarmStore s, Family f) {
        return f == V4 ? s.stats().v4() : s.stats().v6();
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aStopWithoutPortRemovesTheOnlyPeerOfItsAddress(Family f) {
        SwarmStore s = store();
        announceAt(s, address(f, 4), 65535, STARTED, false, 0, T0);
        announceAt(s, address(f, 4), 1, STARTED, true, 0, T0);
        announceAt(s, address(f, 5), 6881, STARTED, true, 0, T0);
        announceAt(s, address(f, 6), 1, STARTED, true, 0, T0);
        announceAt(s, address(f, 6), 65535, STARTED, false, 0, T0);
        announceAt(s, address(f, 7), 65535, COMPLETED, false, 0, T0);
        announceAt(s, address(f, 8), 1, STARTED, true, 0, T0);
        assertEquals(new StoreStats.FamilyStats(1, 4, 3), stats(s, f));

        assertEquals(1, stopWithoutPort(s, 1, address(f, 5), T0 + 1000), "a seeder between two shared addresses");
        assertCounts(out, Outcome.REMOVED, 3, 3, 1);
        assertEquals(0, out.count(), "a stop gets no peers");
        assertEquals(f, out.family());
        assertEquals(1, stopWithoutPort(s, 1, address(f, 7), T0 + 1000), "a leecher on the highest port");
        assertCounts(out, Outcome.REMOVED, 3, 2, 1);
        assertEquals(1, stopWithoutPort(s, 1, address(f, 8), T0 + 1000), "a seeder on the lowest port");
        assertCounts(out, Outcome.REMOVED, 2, 2, 1);
        assertEquals(new StoreStats.FamilyStats(1, 2, 2), stats(s, f));

        announceAt(s, address(f, 9), 6881, STARTED, false, 50, T0 + 2000);
        assertEquals(Set.of(record(address(f, 4), 65535), record(address(f, 4), 1), record(address(f, 6), 1),
                record(address(f, 6), 65535)), Peers.records(out), "the removed peers are gone, the others stay");
        ScrapeHolder h = scrape(s, 1, T0 + 2000);
        assertEquals(2, h.seeders());
        assertEquals(3, h.leechers());
        assertEquals(1, h.downloaded(), "downloads stay counted");
        assertEquals(0, stopWithoutPort(s, 1, address(f, 5), T0 + 3000), "gone already");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aStopWithoutPortRemovesNoneOfSeveralPeersOnOneAddress(Family f) {
        SwarmStore s = store();
        announceAt(s, address(f, 1), 1000, STARTED, false, 0, T0);
        announceAt(s, address(f, 1), 2000, STARTED, false, 0, T0);
        announceAt(s, address(f, 2), 1000, STARTED, false, 0, T0);
        announceAt(s, address(f, 2), 2000, STARTED, true, 0, T0);
        announceAt(s, address(f, 3), 3000, STARTED, false, 0, T0);

        assertEquals(2, stopWithoutPort(s, 1, address(f, 1), T0), "two leechers behind one NAT");
        assertCounts(out, Outcome.REMOVED, 1, 4, 0);
        assertEquals(2, stopWithoutPort(s, 1, address(f, 2), T0), "a leecher and a seeder behind one NAT");
        assertCounts(out, Outcome.REMOVED, 1, 4, 0);
        assertEquals(new StoreStats.FamilyStats(1, 1, 4), stats(s, f));
        announceAt(s, address(f, 3), 3000, NONE, false, 50, T0);
        assertEquals(4, out.count(), "all four are still listed");

        announceAt(s, address(f, 1), 2000, STOPPED, false, 0, T0);
        assertEquals(1, stopWithoutPort(s, 1, address(f, 1), T0), "after one stopped with its port, the other is alone");
        assertCounts(out, Outcome.REMOVED, 1, 2, 0);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void aStopWithoutPortForAnAbsentAddressOrSwarmRemovesNothing(Family f) {
        SwarmStore s = store();
        assertEquals(0, stopWithoutPort(s, 1, address(f, 5), T0));
        assertCounts(out, Outcome.REMOVED, 0, 0, 0);
        assertEquals(0, s.stats().swarms(), "no swarm is created");
        announceAt(s, address(f, 4), 65535, STARTED, false, 0, T0);
        announceAt(s, address(f, 6), 1, STARTED, true, 0, T0);
        assertEquals(0, stopWithoutPort(s, 1, address(f, 5), T0), "the neighbours are other addresses");
        assertCounts(out, Outcome.REMOVED, 1, 1, 0);
        assertEquals(0, stopWithoutPort(s, 2, address(f, 4), T0), "another torrent");
        assertEquals(new StoreStats.FamilyStats(1, 1, 1), stats(s, f));
    }

    @Test
    void aStopWithoutPortLeavesTheOtherFamilyAlone() {
        SwarmStore s = store();
        byte[] v4 = address(V4, 5);
        byte[] mapped = new byte[16]; // ::ffff:10.1.0.5, the same IPv4 address stored as an IPv6 peer
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        announceAt(s, v4, 6881, STARTED, true, 0, T0);
        announceAt(s, mapped, 6881, STARTED, false, 0, T0);
        announceAt(s, address(V6, 5), 6881, STARTED, false, 0, T0);

        assertEquals(1, stopWithoutPort(s, 1, address(V6, 5), T0));
        assertEquals(V6, out.family());
        assertEquals(new StoreStats.FamilyStats(1, 1, 0), s.stats().v4());
        assertEquals(new StoreStats.FamilyStats(1, 0, 1), s.stats().v6());
        assertEquals(1, stopWithoutPort(s, 1, v4, T0));
        assertCounts(out, Outcome.REMOVED, 0, 0, 0);
        assertEquals(new StoreStats.FamilyStats(1, 0, 0), s.stats().v4());
        assertEquals(new StoreStats.FamilyStats(1, 0, 1), s.stats().v6(), "the mapped peer is another family's");
        assertEquals(1, scrape(s, 1, T0).leechers());
    }

    @Test
    void expiredPeersOfTheAddressStillCountUntilTheSweep() {
        SwarmStore s = store();
        announceAt(s, address(V4, 1), 1000, STARTED, false, 0, T0);
        long later = T0 + TIMEOUT_SEC * 1000L + 5000;
        announceAt(s, address(V4, 1), 2000, STARTED, false, 0, later);
        assertEquals(2, stopWithoutPort(s, 1, address(V4, 1), later), "the expired peer may be the one that stops");
        assertEquals(2, s.stats().peers());
        assertEquals(1, sweepAll(s, later));
        assertEquals(1, stopWithoutPort(s, 1, address(V4, 1), later));
        assertEquals(0, s.stats().peers());
    }

    /** Many peers on few addresses, in swarms that grow over several chunks: every stop agrees with a plain count. */
    @ParameterizedTest
    @EnumSource(Family.class)
    void stopsWithoutPortAgreeWithACountOfTheAddresses(Family f) {
        SwarmStore s = store();
        Random rnd = new Random(104);
        Map<Integer, Map<Integer, Boolean>> model = new HashMap<>(); // address -> port -> seeder
        for (int i = 0; i < 180; i++) {
            int a = rnd.nextInt(60);
            int port = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 65535);
            boolean seeder = rnd.nextInt(3) == 0;
            assertEquals(Outcome.OK, announceAt(s, address(f, a), port, STARTED, seeder, 0, T0).outcome());
            model.computeIfAbsent(a, k -> new HashMap<>()).put(port, seeder);
        }
        List<Integer> order = new ArrayList<>();
        for (int a = 0; a < 64; a++) {
            order.add(a);
        }
        Collections.shuffle(order, rnd);
        int sole = 0;
        for (int a : order) {
            Map<Integer, Boolean> ports = model.getOrDefault(a, Map.of());
            assertEquals(ports.size(), stopWithoutPort(s, 1, address(f, a), T0), "address " + a);
            if (ports.size() == 1) {
                model.remove(a);
                sole++;
            }
            long seeders = model.values().stream().flatMap(m -> m.values().stream()).filter(b -> b).count();
            long peers = model.values().stream().mapToInt(Map::size).sum();
            assertCounts(out, Outcome.REMOVED, (int) seeders, (int) (peers - seeders), 0);
            assertEquals(new StoreStats.FamilyStats(1, seeders, peers - seeders), stats(s, f));
        }
        assertTrue(sole >= 5, "sole peers on " + sole + " addresses");
        assertFalse(model.isEmpty(), "shared addresses too");
    }

    @Test
    void leecherBecomesSeederAndBack() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 50, T0);
        announce(s, 1, V4, 2, STARTED, false, 50, T0);
        assertCounts(announce(s, 1, V4, 1, NONE, true, 50, T0), Outcome.OK, 1, 1, 0);
        assertEquals(new StoreStats.FamilyStats(1, 1, 1), s.stats().v4());
        assertCounts(announce(s, 1, V4, 1, NONE, false, 50, T0), Outcome.OK, 0, 2, 0);
        assertEquals(new StoreStats.FamilyStats(1, 0, 2), s.stats().v4());
    }

    @Test
    void completedIsCountedOncePerStoredPeer() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 50, T0);
        assertCounts(announce(s, 1, V4, 1, COMPLETED, true, 50, T0), Outcome.OK, 1, 0, 1);
        assertCounts(announce(s, 1, V4, 1, COMPLETED, true, 50, T0), Outcome.OK, 1, 0, 1);
        assertCounts(announce(s, 1, V4, 1, NONE, true, 50, T0), Outcome.OK, 1, 0, 1);
        assertCounts(announce(s, 1, V4, 2, COMPLETED, true, 50, T0), Outcome.OK, 2, 0, 2);
        announce(s, 1, V4, 1, STOPPED, true, 50, T0);
        assertCounts(announce(s, 1, V4, 1, COMPLETED, true, 50, T0), Outcome.OK, 2, 0, 2);
        assertEquals(2, scrape(s, 1, T0).downloaded());
    }

    /** Issue 11 item 6: {@code completed} then {@code stopped}, 100 times by one peer, counted 100 downloads. */
    @Test
    void completedAlternatingWithStoppedCountsOnce() {
        SwarmStore s = store();
        announce(s, 1, V4, 9, STARTED, false, 50, T0); // keeps the swarm alive while peer 1 comes and goes
        for (int i = 0; i < 100; i++) {
            assertEquals(Outcome.OK, announce(s, 1, V4, 1, COMPLETED, true, 50, T0 + i * 1000L).outcome());
            assertEquals(1, out.downloaded(), "cycle " + i);
            assertEquals(Outcome.REMOVED, announce(s, 1, V4, 1, STOPPED, true, 50, T0 + i * 1000L).outcome());
        }
        // The memory is per (swarm, peer): another port, another family and another torrent each count their own.
        assertCounts(announce(s, 1, V4, 2, COMPLETED, true, 50, T0), Outcome.OK, 1, 1, 2);
        announce(s, 1, V6, 1, COMPLETED, true, 50, T0);
        assertEquals(1, out.downloaded());
        announce(s, 3, V4, 1, COMPLETED, true, 50, T0);
        assertEquals(1, out.downloaded());
        assertEquals(3, scrape(s, 1, T0).downloaded(), "torrent 1: peers 1 and 2 in V4, peer 1 in V6");
    }

    /** The new-swarm cap (issue 11 item 5) relies on both: an announce that may not create refuses, created says so. */
    @Test
    void anAnnounceNotAllowedToCreateItsSwarmIsRefusedAndCreatedIsReported() {
        SwarmStore s = store();
        s.announce(Peers.fill(op, 1, V4, 1, STARTED, false, 50), T0, out);
        assertTrue(out.created(), "the first announce creates the swarm");
        assertFalse(announce(s, 1, V4, 2, STARTED, false, 50, T0).created(), "the second joins it");
        Peers.fill(op, 2, V4, 1, STARTED, false, 50).createSwarm = false;
        s.announce(op, T0, out);
        assertCounts(out, Outcome.TOO_MANY_SWARMS, 0, 0, 0);
        assertFalse(out.created());
        assertEquals(1, s.stats().swarms(), "nothing was created");
        Peers.fill(op, 1, V4, 3, STARTED, true, 50).createSwarm = false;
        s.announce(op, T0, out);
        assertCounts(out, Outcome.OK, 1, 2, 0);
        assertFalse(out.created(), "an existing swarm is joined whatever createSwarm says");
        Peers.fill(op, 1, V6, 1, STARTED, false, 50).createSwarm = false;
        s.announce(op, T0, out);
        assertEquals(Outcome.TOO_MANY_SWARMS, out.outcome(), "the V6 swarm of the torrent is another swarm");
    }

    @Test
    void familiesAreSeparateSwarms() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 50, T0);
        announce(s, 1, V6, 1, STARTED, true, 50, T0);
        announce(s, 1, V6, 2, STARTED, false, 50, T0);
        assertEquals(V6, out.family());
        assertEquals(Set.of(Peers.record(V6, 1)), Peers.records(out));
        assertEquals(18, out.bytes());
        assertCounts(out, Outcome.OK, 1, 1, 0);
        assertCounts(announce(s, 1, V4, 2, STARTED, false, 50, T0), Outcome.OK, 0, 2, 0);
        assertEquals(Set.of(Peers.record(V4, 1)), Peers.records(out), "no IPv6 peer in an IPv4 reply");
        assertEquals(new StoreStats.FamilyStats(1, 0, 2), s.stats().v4());
        assertEquals(new StoreStats.FamilyStats(1, 1, 1), s.stats().v6());
    }

    @Test
    void numWantCapsTheSampleAndNeverReturnsTheRequester() {
        SwarmStore s = store();
        for (int p = 0; p < 30; p++) {
            announce(s, 1, V4, p, STARTED, false, 0, T0);
        }
        String self = Peers.record(V4, 7);
        announce(s, 1, V4, 7, NONE, false, 10, T0);
        assertEquals(10, out.count());
        assertFalse(Peers.records(out).contains(self));
        announce(s, 1, V4, 7, NONE, false, 100, T0);
        assertEquals(29, out.count(), "all others");
        assertFalse(Peers.records(out).contains(self));
        announce(s, 1, V4, 7, NONE, false, 0, T0);
        assertEquals(0, out.count());
        announce(s, 1, V4, 7, NONE, false, -5, T0);
        assertEquals(0, out.count());
        PeerSample small = new PeerSample(3);
        s.announce(Peers.fill(op, 1, V4, 7, NONE, false, 50), T0, small);
        assertEquals(3, small.count(), "capped by the sample's capacity");
        assertFalse(Peers.records(small).contains(self));
    }

    @Test
    void seedersGetOnlyLeechers() {
        SwarmStore s = store();
        Set<String> leechers = new HashSet<>();
        for (int p = 0; p < 10; p++) {
            announce(s, 1, V6, p, STARTED, p % 2 == 0, 0, T0);
            if (p % 2 != 0) {
                leechers.add(Peers.record(V6, p));
            }
        }
        announce(s, 1, V6, 0, NONE, true, 50, T0);
        assertEquals(leechers, Peers.records(out));
        announce(s, 1, V6, 1, NONE, false, 50, T0);
        assertEquals(9, out.count(), "a leecher gets seeders and leechers");
        announce(s, 1, V6, 100, STARTED, true, 3, T0);
        assertEquals(3, out.count());
        assertTrue(leechers.containsAll(Peers.records(out)));
    }

    @Test
    void samplesAreRandomWithoutDuplicates() {
        SwarmStore s = store();
        for (int p = 0; p < 100; p++) {
            announce(s, 1, V4, p, STARTED, p < 40, 0, T0);
        }
        Set<String> seen = new HashSet<>();
        Map<String, Integer> hits = new HashMap<>();
        for (int round = 0; round < 300; round++) {
            announce(s, 1, V4, 50, NONE, false, 10, T0);
            Set<String> sample = Peers.records(out);
            assertEquals(10, sample.size());
            seen.addAll(sample);
            sample.forEach(r -> hits.merge(r, 1, Integer::sum));
        }
        assertEquals(99, seen.size(), "every other peer shows up over many announces");
        assertFalse(seen.contains(Peers.record(V4, 50)));
        int max = hits.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(max < 100, "3000 picks over 99 peers: none should be picked in a third of the samples, max " + max);
    }

    @Test
    void expiredPeersAreNotSampledAndGoAtTheSweep() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 0, T0);
        announce(s, 1, V4, 2, STARTED, true, 0, T0 + 30_000);
        long justInTime = T0 + TIMEOUT_SEC * 1000L;
        announce(s, 1, V4, 3, STARTED, false, 50, justInTime);
        assertEquals(Set.of(Peers.record(V4, 1), Peers.record(V4, 2)), Peers.records(out), "not expired at the timeout");
        long late = T0 + TIMEOUT_SEC * 1000L + 1000;
        announce(s, 1, V4, 3, NONE, false, 50, late);
        assertEquals(Set.of(Peers.record(V4, 2)), Peers.records(out), "expired a second after the timeout");
        assertCounts(out, Outcome.OK, 1, 2, 0);
        assertEquals(3, s.stats().peers(), "counts keep expired peers until the sweep");

        assertEquals(1, sweepAll(s, late));
        assertEquals(new StoreStats.FamilyStats(1, 1, 1), s.stats().v4());
        assertEquals(2, sweepAll(s, late + 100_000));
        assertEquals(0, s.stats().swarms(), "empty swarms are removed");
        ScrapeHolder h = scrape(s, 1, late + 100_000);
        assertEquals(0, h.seeders() + h.leechers() + h.downloaded());
    }

    @Test
    void timestampsSurviveWrapAround() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 0, T0);
        announce(s, 1, V4, 2, STARTED, false, 0, T0);
        for (int i = 1; i <= 2000; i++) {
            long now = T0 + i * 30_000L;
            announce(s, 1, V4, 1, NONE, false, 50, now);
            assertEquals(i * 30 <= TIMEOUT_SEC ? 1 : 0, out.count(),
                    "peer 2 (silent since T0) at +" + i * 30 + " s; 14-bit stamps wrap every 4.5 h, this runs 16.7 h");
        }
        sweepAll(s, T0 + 2000 * 30_000L);
        assertEquals(1, s.stats().peers());

        long now = T0 + 2001 * 30_000L;
        announce(s, 2, V4, 1, STARTED, false, 0, now);
        long afterWrap = now + PeerMeta.WRAP * 1000L + 1000;
        announce(s, 2, V4, 2, STARTED, false, 50, afterWrap);
        assertEquals(0, out.count(), "a peer last seen one wrap ago, never swept, is expired, not fresh");
    }

    @Test
    void expireStepWorksOnASliceAtATime() {
        SwarmStore s = store(5000, MAX_PEERS);
        for (int t = 0; t < 3000; t++) {
            announce(s, t, V4, t, STARTED, false, 0, T0);
        }
        long later = T0 + 3_600_000;
        int first = s.expireStep(later);
        assertTrue(first < 1000, "one step removed " + first + " of 3000");
        int total = first;
        for (int i = 0; i < 100_000 && s.stats().swarms() > 0; i++) {
            total += s.expireStep(later);
        }
        assertEquals(3000, total);
        assertEquals(0, s.stats().peers());
        assertEquals(0, s.stats().swarms());
    }

    @Test
    void fullSwarmRefusesNewPeersButStillAnswers() {
        SwarmStore s = store(100, 5);
        for (int p = 0; p < 5; p++) {
            assertEquals(Outcome.OK, announce(s, 1, V4, p, STARTED, false, 50, T0).outcome());
        }
        assertCounts(announce(s, 1, V4, 5, COMPLETED, true, 50, T0), Outcome.SWARM_FULL, 0, 5, 0);
        assertEquals(5, out.count(), "the refused peer still gets peers");
        assertEquals(Outcome.OK, announce(s, 1, V4, 2, NONE, false, 50, T0).outcome(), "members still refresh");
        announce(s, 1, V4, 0, STOPPED, false, 50, T0);
        assertCounts(announce(s, 1, V4, 5, STARTED, false, 50, T0), Outcome.OK, 0, 5, 0);
    }

    @Test
    void swarmLimitIsPerFamily() {
        SwarmStore s = store(3, MAX_PEERS);
        for (int t = 0; t < 3; t++) {
            assertEquals(Outcome.OK, announce(s, t, V4, 1, STARTED, false, 50, T0).outcome());
        }
        assertCounts(announce(s, 3, V4, 1, STARTED, false, 50, T0), Outcome.TOO_MANY_SWARMS, 0, 0, 0);
        assertEquals(0, out.count());
        assertEquals(Outcome.OK, announce(s, 0, V4, 2, STARTED, false, 50, T0).outcome(), "existing swarms grow");
        assertEquals(Outcome.OK, announce(s, 3, V6, 1, STARTED, false, 50, T0).outcome());
        assertEquals(3, s.stats().v4().swarms());
        announce(s, 1, V4, 1, STOPPED, false, 50, T0);
        sweepAll(s, T0);
        assertEquals(Outcome.OK, announce(s, 3, V4, 1, STARTED, false, 50, T0).outcome(), "room again after the sweep");
    }

    @Test
    void aSwarmFillsUpToTwentyThousandPeers() {
        SwarmStore s = store(10, 20_000);
        for (Family f : Family.values()) {
            for (int p = 0; p < 20_000; p++) {
                assertEquals(Outcome.OK, announce(s, 1, f, p, STARTED, p % 3 == 0, 0, T0).outcome());
            }
            assertEquals(Outcome.SWARM_FULL, announce(s, 1, f, 20_000, STARTED, false, 200, T0).outcome());
            assertEquals(200, Peers.records(out).size());
            for (int p = 0; p < 20_000; p += 2) {
                announce(s, 1, f, p, STOPPED, false, 0, T0);
            }
            announce(s, 1, f, 1, NONE, false, 500, T0);
            assertEquals(500, Peers.records(out).size());
            assertEquals(10_000, s.stats().of(f).peers());
        }
        ScrapeHolder h = scrape(s, 1, T0);
        assertEquals(20_000, h.seeders() + h.leechers());
    }

    @Test
    void scrapeSumsBothFamilies() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, COMPLETED, true, 0, T0);
        announce(s, 1, V4, 2, STARTED, true, 0, T0);
        announce(s, 1, V4, 3, STARTED, false, 0, T0);
        announce(s, 1, V6, 1, COMPLETED, true, 0, T0);
        announce(s, 1, V6, 2, COMPLETED, false, 0, T0);
        announce(s, 1, V6, 3, STARTED, false, 0, T0);
        announce(s, 2, V6, 3, STARTED, false, 0, T0);
        ScrapeHolder h = new ScrapeHolder();
        byte[] padded = new byte[40];
        System.arraycopy(Peers.hash(1), 0, padded, 7, 20);
        s.scrape(padded, 7, T0, h);
        assertEquals(3, h.seeders());
        assertEquals(3, h.leechers());
        assertEquals(3, h.downloaded());
        s.scrape(Peers.hash(99), 0, T0, h);
        assertEquals(0, h.seeders() + h.leechers() + h.downloaded(), "unknown torrent");
        assertThrows(IndexOutOfBoundsException.class, () -> s.scrape(padded, 21, T0, h));
    }

    @Test
    void badOpsAreRejectedClearly() {
        SwarmStore s = store();
        Peers.fill(op, 1, V4, 1, STARTED, false, 5);
        op.event = null;
        assertThrows(IllegalArgumentException.class, () -> s.announce(op, T0, out));
        op.event = STARTED;
        op.family = null;
        assertThrows(IllegalArgumentException.class, () -> s.announce(op, T0, out));
        assertEquals(0, s.stats().swarms());
    }

    @Test
    void aClosedStoreRefusesWorkAndClosesTwice() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 5, T0);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> announce(s, 1, V4, 1, STARTED, false, 5, T0));
        assertThrows(IllegalStateException.class, () -> scrape(s, 1, T0));
    }

    /** Every torrent of a walk, by hex info-hash, as {seeders, leechers, downloaded}; a second visit fails. */
    static Map<String, List<Long>> walk(SwarmStore s) {
        Map<String, List<Long>> seen = new HashMap<>();
        s.forEachTorrent((hash, seeders, leechers, downloaded) -> {
            String key = java.util.HexFormat.of().formatHex(hash);
            assertEquals(20, hash.length);
            assertTrue(seen.put(key, List.of(seeders, leechers, downloaded)) == null, "visited twice: " + key);
            return true;
        });
        return seen;
    }

    @Test
    void forEachTorrentVisitsEveryTorrentOnceWithItsScrapeCounts() {
        SwarmStore s = store();
        assertTrue(walk(s).isEmpty(), "empty store");
        for (int t = 0; t < 60; t++) {
            for (int p = 0; p <= t % 4; p++) {
                Family f = t % 3 == 0 ? V6 : V4;
                announce(s, t, f, p, p == 0 ? COMPLETED : STARTED, p % 2 == 0, 0, T0);
                if (t % 5 == 0) { // also in the other family: one torrent, counts summed
                    announce(s, t, f == V4 ? V6 : V4, p + 10, STARTED, false, 0, T0);
                }
            }
        }
        Map<String, List<Long>> seen = walk(s);
        assertEquals(60, seen.size());
        for (int t = 0; t < 60; t++) {
            ScrapeHolder h = scrape(s, t, T0);
            assertEquals(List.of(h.seeders(), h.leechers(), h.downloaded()),
                    seen.get(java.util.HexFormat.of().formatHex(Peers.hash(t))), "torrent " + t);
        }
        assertEquals(s.stats().peers(), seen.values().stream().mapToLong(c -> c.get(0) + c.get(1)).sum());
    }

    @Test
    void forEachTorrentStopsWhenTheVisitorSaysSoAndForgetsRemovedSwarms() {
        SwarmStore s = store();
        for (int t = 0; t < 30; t++) {
            announce(s, t, t % 2 == 0 ? V4 : V6, 1, STARTED, false, 0, T0);
        }
        AtomicInteger visits = new AtomicInteger();
        s.forEachTorrent((hash, seeders, leechers, downloaded) -> visits.incrementAndGet() < 7);
        assertEquals(7, visits.get());
        for (int t = 0; t < 10; t++) {
            announce(s, t, t % 2 == 0 ? V4 : V6, 1, STOPPED, false, 0, T0);
        }
        sweepAll(s, T0);
        Map<String, List<Long>> seen = walk(s);
        assertEquals(20, seen.size());
        assertFalse(seen.containsKey(java.util.HexFormat.of().formatHex(Peers.hash(3))), "stopped and swept");
    }

    @Test
    void forEachTorrentHoldsNoLockWhileTheVisitorRuns() throws Exception {
        SwarmStore s = store();
        for (int t = 0; t < 8; t++) {
            announce(s, t, V4, 1, STARTED, false, 0, T0);
            announce(s, t, V6, 1, STARTED, false, 0, T0);
        }
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger visits = new AtomicInteger();
            s.forEachTorrent((hash, seeders, leechers, downloaded) -> {
                byte[] h = hash.clone();
                // Another thread announces to this very swarm (both families) and scrapes it while we are inside
                // the visitor: it would wait forever if the walk held the swarm's lock.
                Future<?> f = other.submit(() -> {
                    AnnounceOp o = new AnnounceOp();
                    PeerSample p = new PeerSample(10);
                    for (Family fam : Family.values()) {
                        Peers.fill(o, 0, fam, 2, STARTED, true, 5);
                        System.arraycopy(h, 0, o.infoHash, 0, 20);
                        s.announce(o, T0, p);
                    }
                    s.scrape(h, 0, T0, new ScrapeHolder());
                });
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("an announce waited for the walk", e);
                }
                visits.incrementAndGet();
                return true;
            });
            assertEquals(8, visits.get());
            assertEquals(32, s.stats().peers());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void forEachTorrentOnAClosedStoreThrows() {
        SwarmStore s = store();
        announce(s, 1, V4, 1, STARTED, false, 5, T0);
        s.close();
        assertThrows(IllegalStateException.class, () -> s.forEachTorrent((h, a, b, c) -> true));
    }

    /** The reference model: what the store must contain. */
    private static final class Model {
        record PeerState(boolean seeder, boolean counted, long lastSeenSec) {
        }

        final Map<String, Map<Integer, PeerState>> swarms = new HashMap<>();
        final Map<String, Long> downloaded = new HashMap<>();
        /** (swarm, peer) pairs whose completion was counted: they never count again. */
        final Set<String> completions = new HashSet<>();

        static String key(Family f, int torrent) {
            return f + "/" + torrent;
        }

        long swarmCount(Family f) {
            return swarms.keySet().stream().filter(k -> k.startsWith(f + "/")).count();
        }

        void sweep(long nowSec) {
            swarms.values().forEach(m -> m.values().removeIf(p -> nowSec - p.lastSeenSec > TIMEOUT_SEC));
            swarms.entrySet().removeIf(e -> {
                boolean empty = e.getValue().isEmpty();
                if (empty) {
                    downloaded.remove(e.getKey());
                }
                return empty;
            });
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 20261105})
    void countsMatchAReferenceModelAfterRandomOperations(long seed) {
        int maxSwarms = 15;
        int maxPeers = 20;
        SwarmStore s = store(maxSwarms, maxPeers);
        Model m = new Model();
        Random rnd = new Random(seed);
        AnnounceEvent[] events = AnnounceEvent.values();
        long now = T0;
        for (int i = 0; i < 6000; i++) {
            now += rnd.nextInt(3) == 0 ? rnd.nextInt(20_000) : 0;
            long nowSec = now / 1000;
            if (rnd.nextInt(200) == 0) {
                sweepAll(s, now);
                m.sweep(nowSec);
                continue;
            }
            Family f = rnd.nextInt(4) == 0 ? V6 : V4;
            int torrent = rnd.nextInt(20);
            int peer = rnd.nextInt(30);
            AnnounceEvent e = events[rnd.nextInt(events.length)];
            boolean seeder = rnd.nextBoolean();
            int want = rnd.nextInt(8);
            announce(s, torrent, f, peer, e, seeder, want, now);

            String key = Model.key(f, torrent);
            Map<Integer, Model.PeerState> swarm = m.swarms.get(key);
            Outcome expected;
            if (swarm == null && e == STOPPED) {
                expected = Outcome.REMOVED;
            } else if (swarm == null && e == AnnounceEvent.PAUSED) {
                expected = Outcome.OK; // answered, nothing made or listed
            } else if (swarm == null && m.swarmCount(f) >= maxSwarms) {
                expected = Outcome.TOO_MANY_SWARMS;
            } else {
                swarm = m.swarms.computeIfAbsent(key, k -> new HashMap<>());
                Model.PeerState p = swarm.get(peer);
                if (e == STOPPED) {
                    swarm.remove(peer);
                    expected = Outcome.REMOVED;
                } else if (e == AnnounceEvent.PAUSED) {
                    swarm.remove(peer); // BEP 21: handed peers, neither listed nor counted
                    expected = Outcome.OK;
                } else if (p == null && swarm.size() >= maxPeers) {
                    expected = Outcome.SWARM_FULL;
                } else {
                    boolean count = e == COMPLETED && (p == null || !p.counted()) && m.completions.add(key + "/" + peer);
                    if (count) {
                        m.downloaded.merge(key, 1L, Long::sum);
                    }
                    swarm.put(peer, new Model.PeerState(seeder, count || p != null && p.counted(), nowSec));
                    expected = Outcome.OK;
                }
            }
            String where = "op " + i + " (seed " + seed + ")";
            assertEquals(expected, out.outcome(), where);
            if (expected == Outcome.TOO_MANY_SWARMS) {
                continue;
            }
            Map<Integer, Model.PeerState> now2 = m.swarms.getOrDefault(key, Map.of());
            long seeders = now2.values().stream().filter(Model.PeerState::seeder).count();
            assertEquals(seeders, out.seeders(), where);
            assertEquals(now2.size() - seeders, out.leechers(), where);
            assertEquals(m.downloaded.getOrDefault(key, 0L), out.downloaded(), where);
            if (expected != Outcome.REMOVED) {
                Set<String> eligible = new HashSet<>();
                boolean anyExpired = false;
                for (Map.Entry<Integer, Model.PeerState> pe : now2.entrySet()) {
                    boolean expired = nowSec - pe.getValue().lastSeenSec() > TIMEOUT_SEC;
                    anyExpired |= expired;
                    if (pe.getKey() != peer && !expired && !(seeder && pe.getValue().seeder())) {
                        eligible.add(Peers.record(f, pe.getKey()));
                    }
                }
                Set<String> got = Peers.records(out);
                assertTrue(eligible.containsAll(got), where + ": sample " + got + " not within " + eligible);
                if (!anyExpired) {
                    assertEquals(Math.min(want, eligible.size()), got.size(), where);
                }
            }
        }
        for (Family f : Family.values()) {
            long seeders = 0;
            long peers = 0;
            for (Map.Entry<String, Map<Integer, Model.PeerState>> e : m.swarms.entrySet()) {
                if (e.getKey().startsWith(f + "/")) {
                    peers += e.getValue().size();
                    seeders += e.getValue().values().stream().filter(Model.PeerState::seeder).count();
                }
            }
            assertEquals(new StoreStats.FamilyStats(m.swarmCount(f), seeders, peers - seeders), s.stats().of(f));
        }
        for (int t = 0; t < 20; t++) {
            long seeders = 0;
            long peers = 0;
            long downloads = 0;
            for (Family f : Family.values()) {
                Map<Integer, Model.PeerState> swarm = m.swarms.getOrDefault(Model.key(f, t), Map.of());
                peers += swarm.size();
                seeders += swarm.values().stream().filter(Model.PeerState::seeder).count();
                downloads += m.downloaded.getOrDefault(Model.key(f, t), 0L);
            }
            ScrapeHolder h = scrape(s, t, now);
            assertEquals(seeders, h.seeders());
            assertEquals(peers - seeders, h.leechers());
            assertEquals(downloads, h.downloaded());
        }
    }

    @Test
    void concurrentAnnouncesLeaveExactCounts() throws Exception {
        int threads = 4;
        int torrents = 40;
        int peersPerThread = 300;
        SwarmStore s = store(1000, 2000);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1, r -> new Thread(r, "announcer"));
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger sweeps = new AtomicInteger();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    AnnounceOp o = new AnnounceOp();
                    PeerSample p = new PeerSample(50);
                    ScrapeHolder h = new ScrapeHolder();
                    start.await();
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < peersPerThread * torrents / 10; i++) {
                            int peer = thread * peersPerThread + i % peersPerThread;
                            int torrent = i % torrents;
                            Family f = i % 5 == 0 ? V6 : V4;
                            AnnounceEvent e = round == 0 ? STARTED : round == 1 && i % 3 == 0 ? COMPLETED : NONE;
                            s.announce(Peers.fill(o, torrent, f, peer, e, round >= 1 && i % 3 == 0, 30), T0, p);
                            s.scrape(o.infoHash, 0, T0, h);
                        }
                    }
                    for (int i = 0; i < peersPerThread * torrents / 10; i += 7) {
                        int peer = thread * peersPerThread + i % peersPerThread;
                        s.announce(Peers.fill(o, i % torrents, i % 5 == 0 ? V6 : V4, peer, STOPPED, false, 0), T0, p);
                    }
                    return null;
                }));
            }
            Future<?> sweeper = pool.submit(() -> {
                start.await();
                while (!done.get()) {
                    s.expireStep(T0);
                    sweeps.incrementAndGet();
                    Thread.yield(); // a real sweeper steps every few ms; do not starve the announcers
                }
                return null;
            });
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            sweeper.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(sweeps.get() > 0);
        // Each thread's sequence is deterministic and its peers are its own, so the result is too.
        long[] seeders = new long[2];
        long[] leechers = new long[2];
        long[] downloads = new long[2];
        Set<String> swarms = new HashSet<>();
        for (int thread = 0; thread < threads; thread++) {
            Map<String, Boolean> state = new HashMap<>();
            Set<String> counted = new HashSet<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < peersPerThread * torrents / 10; i++) {
                    String key = (i % 5 == 0 ? 1 : 0) + "/" + (i % torrents) + "/" + (thread * peersPerThread + i % peersPerThread);
                    state.put(key, round >= 1 && i % 3 == 0);
                    if (round == 1 && i % 3 == 0 && counted.add(key)) {
                        downloads[i % 5 == 0 ? 1 : 0]++;
                    }
                }
            }
            for (int i = 0; i < peersPerThread * torrents / 10; i += 7) {
                state.remove((i % 5 == 0 ? 1 : 0) + "/" + (i % torrents) + "/" + (thread * peersPerThread + i % peersPerThread));
            }
            for (Map.Entry<String, Boolean> e : state.entrySet()) {
                int fam = e.getKey().charAt(0) - '0';
                swarms.add(e.getKey().substring(0, e.getKey().lastIndexOf('/')));
                if (e.getValue()) {
                    seeders[fam]++;
                } else {
                    leechers[fam]++;
                }
            }
        }
        StoreStats st = s.stats();
        assertEquals(seeders[0], st.v4().seeders());
        assertEquals(leechers[0], st.v4().leechers());
        assertEquals(seeders[1], st.v6().seeders());
        assertEquals(leechers[1], st.v6().leechers());
        long sum = 0;
        long downloadSum = 0;
        for (int t = 0; t < torrents; t++) {
            ScrapeHolder h = scrape(s, t, T0);
            sum += h.seeders() + h.leechers();
            downloadSum += h.downloaded();
        }
        assertEquals(st.peers(), sum, "scrapes agree with the stats");
        assertEquals(downloads[0] + downloads[1], downloadSum);
        assertEquals(swarms.size(), st.swarms(), "no swarm was emptied");
    }
}
