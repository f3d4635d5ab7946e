package dev.swarm.peerbridge.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.dht.krpc.NodeIds;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The node's pure parts, with time passed in: routing table, lookup, tokens, peer store, rate limit, state file. */
@Timeout(30)
class DhtPartsTest {
    private final SplittableRandom random = new SplittableRandom(5);

    @TempDir
    Path dir;

    private byte[] id() {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return b;
    }

    private static InetSocketAddress addr(int i) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (i >> 8), (byte) i}), 6881);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void routingTableKeepsAtMostKPerBucketAndMaxNodesInAll() {
        byte[] own = new byte[20];
        RoutingTable t = new RoutingTable(own, 8, 40);
        int added = 0;
        for (int i = 0; i < 2000; i++) {
            if (t.seen(new NodeInfo(id(), addr(i + 1)), i)) {
                added++;
            }
        }
        assertTrue(t.size() <= 40, "bounded: " + t.size());
        // ids are random: half fall in bucket 0 (first bit differs), a quarter in bucket 1, ...: K each
        assertEquals(t.size(), added);
        long bucket0 = t.all().stream().filter(n -> NodeIds.commonPrefixBits(own, n.id()) == 0).count();
        assertEquals(8, bucket0, "bucket 0 holds K nodes");
        assertFalse(t.seen(new NodeInfo(own, addr(9999)), 0), "our own id is never added");
    }

    @Test
    void aNodeThatFailsTwiceGivesItsPlaceAndClosestIsByXorDistance() {
        byte[] own = new byte[20];
        RoutingTable t = new RoutingTable(own, 2, 100);
        byte[] a = new byte[20];
        a[0] = (byte) 0x80;
        byte[] b = a.clone();
        b[19] = 1;
        byte[] c = a.clone();
        c[19] = 2;
        assertTrue(t.seen(new NodeInfo(a, addr(1)), 0));
        assertTrue(t.seen(new NodeInfo(b, addr(2)), 0));
        assertFalse(t.seen(new NodeInfo(c, addr(3)), 0), "bucket full of good nodes");
        t.failed(addr(1));
        assertFalse(t.seen(new NodeInfo(c, addr(3)), 0), "one failure is not enough");
        t.failed(addr(1));
        assertTrue(t.seen(new NodeInfo(c, addr(3)), 0), "a stale node is replaced");
        assertFalse(t.contains(addr(1)));
        assertEquals(List.of(addr(3), addr(2)), t.closest(c, 5).stream().map(NodeInfo::address).toList());
        // the same address with a new id replaces the old entry
        assertTrue(t.seen(new NodeInfo(a, addr(2)), 1));
        assertEquals(2, t.size());
    }

    @Test
    void lookupAsksAlphaAtATimeClosestFirstAndEnds() {
        byte[] target = new byte[20];
        List<NodeInfo> start = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            byte[] nid = new byte[20];
            nid[0] = (byte) (i * 16);
            start.add(new NodeInfo(nid, addr(i)));
        }
        Lookup l = new Lookup(target, true, 3, 8, 64, start);
        List<NodeInfo> first = l.next();
        assertEquals(List.of(addr(1), addr(2), addr(3)), first.stream().map(NodeInfo::address).toList());
        assertTrue(l.next().isEmpty(), "alpha = 3 in flight");
        // node 1 knows a closer node and a peer
        byte[] closer = new byte[20];
        closer[19] = 1;
        l.answered(addr(1), List.of(new NodeInfo(closer, addr(100))), List.of(addr(200)), new byte[] {9});
        assertEquals(List.of(addr(100)), l.next().stream().map(NodeInfo::address).toList(), "the closer node next");
        assertTrue(l.peers().contains(addr(200)));
        l.failed(addr(2));
        l.failed(addr(3));
        assertFalse(l.done(), "addr(100) is in flight");
        l.answered(addr(100), List.of(), List.of(), new byte[] {2});
        int guard = 0;
        while (!l.done() && guard++ < 100) {
            for (NodeInfo n : l.next()) {
                l.answered(n.address(), List.of(), List.of(), new byte[] {1});
            }
        }
        assertTrue(l.done());
        assertTrue(l.queries() <= 64);
        assertEquals(8, l.closestWithTokens().size(), "the 8 closest that answered, to announce to");
        assertEquals(addr(100), l.closestWithTokens().get(0).node.address());
    }

    @Test
    void lookupStopsAtMaxQueriesEvenWithEndlessNewNodes() {
        Lookup l = new Lookup(new byte[20], true, 3, 8, 20, List.of(new NodeInfo(id(), addr(1))));
        int next = 2;
        int guard = 0;
        while (!l.done() && guard++ < 1000) {
            for (NodeInfo n : l.next()) {
                byte[] nid = new byte[20];
                nid[19] = (byte) (255 - next); // always closer than anything before
                l.answered(n.address(), List.of(new NodeInfo(nid, addr(next++)), new NodeInfo(id(), addr(next++))),
                        List.of(), null);
            }
        }
        assertTrue(l.done());
        assertEquals(20, l.queries());
    }

    @Test
    void tokensAreBoundToTheAddressAndLiveTwoRotations() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        InetAddress b = InetAddress.getByName("127.0.0.3");
        Tokens t = new Tokens(300_000, 0);
        byte[] token = t.issue(a, 10);
        assertEquals(Tokens.LENGTH, token.length);
        assertTrue(t.valid(token, a, 1000));
        assertFalse(t.valid(token, b, 1000), "another address");
        assertTrue(t.valid(token, a, 300_000 + 5), "after one rotation: the previous secret");
        assertFalse(t.valid(token, a, 600_000 + 5), "after two rotations: expired");
        Tokens jump = new Tokens(300_000, 0);
        byte[] old = jump.issue(a, 0);
        assertFalse(jump.valid(old, a, 11 * 60_000), "a jump of two periods at once expires it too");
    }

    @Test
    void peerStoreIsBoundedAndExpires() {
        PeerStore s = new PeerStore(5, 3, 1000);
        byte[] ih1 = id();
        byte[] ih2 = id();
        for (int i = 1; i <= 4; i++) {
            assertTrue(s.announce(ih1, addr(i), 0));
        }
        assertEquals(List.of(addr(4), addr(3), addr(2)), s.peers(ih1, 10, 1), "3 per hash, newest first");
        assertTrue(s.announce(ih2, addr(10), 0));
        assertTrue(s.announce(ih2, addr(11), 0));
        assertEquals(5, s.size());
        assertFalse(s.announce(id(), addr(12), 0), "full: a new hash is refused");
        assertEquals(List.of(), s.peers(ih1, 10, 1000), "expired");
        assertTrue(s.announce(id(), addr(12), 1000), "room again once the expired are dropped");
        assertEquals(1, s.size());
    }

    @Test
    void rateLimitPerSourceAndInAll() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        SourceRateLimit l = new SourceRateLimit(5, 3, 100, 1000, 0);
        assertTrue(l.allow(a, 0));
        assertTrue(l.allow(a, 0));
        assertTrue(l.allow(a, 0));
        assertFalse(l.allow(a, 0), "burst of 3 used");
        assertTrue(l.allow(a, 200), "5/s: one token after 200 ms");
        assertFalse(l.allow(a, 200));
        SourceRateLimit all = new SourceRateLimit(100, 100, 10, 1000, 0);
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            if (all.allow(InetAddress.getByAddress(new byte[] {127, 1, 0, (byte) i}), 0)) {
                allowed++;
            }
        }
        assertEquals(10, allowed, "the total bucket bounds many sources together");
    }

    @Test
    void stateFileRoundTripsAndSkipsDamage() throws Exception {
        Path f = dir.resolve("sub/dht.txt");
        byte[] own = id();
        List<NodeInfo> nodes = List.of(new NodeInfo(id(), addr(1)), new NodeInfo(id(), addr(2)));
        StateFile.write(f, own, nodes);
        StateFile.State s = StateFile.read(f, 100);
        assertArrayEquals(own, s.id());
        assertEquals(nodes, s.nodes());
        Files.writeString(f, Files.readString(f) + "node zz 1.2.3.4 5\nnode " + "ab".repeat(20)
                + " some.host.name 6881\ngarbage\n", StandardCharsets.US_ASCII);
        assertEquals(2, StateFile.read(f, 100).nodes().size(), "damaged lines and host names skipped");
        assertEquals(1, StateFile.read(f, 1).nodes().size(), "at most maxNodes read");
        assertNull(StateFile.read(dir.resolve("missing"), 10).id());
    }
}
