package dev.swarm.peerbridge.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.dht.krpc.Krpc;
import dev.swarm.peerbridge.dht.krpc.KrpcException;
import dev.swarm.peerbridge.dht.krpc.KrpcMessage;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's answers over real UDP on loopback, from hand-written KRPC: what an unverified source
 * gets (never more bytes than it sent), what a verified one gets (nodes, values after an announce),
 * tokens, and a bounded barrage of bad and spoofed datagrams after which it still answers.
 */
@Timeout(60)
class DhtNodeTest {
    private static final byte[] IH = "infohash-for-a-test!".getBytes(StandardCharsets.US_ASCII);

    private static BridgeConfig.Dht config(boolean readOnly, String extra) throws Exception {
        return ConfigLoader.parse("""
                dht:
                  bootstrap: ["127.0.0.1:9"]
                  listen: 127.0.0.30:0
                  read-only: %s
                  state-file: ""
                  query-timeout: 1s
                %s""".formatted(readOnly, extra)).dht();
    }

    private static byte[] t(int n) {
        return new byte[] {(byte) (n >>> 8), (byte) n};
    }

    @Test
    void unverifiedSourcesGetNoMoreThanTheySentVerifiedOnesGetNodesAndAnnouncedPeers() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        List<InetSocketAddress> sink = new ArrayList<>();
        try (DhtNode node = DhtNode.start(config(false, ""), clock::get, (ih, p) -> sink.addAll(p));
                UdpPeer helper1 = new UdpPeer("127.0.0.31");
                UdpPeer helper2 = new UdpPeer("127.0.0.32");
                UdpPeer client = new UdpPeer("127.0.0.33")) {
            InetSocketAddress at = node.address();
            // two nodes that answer the node's verification ping join its table
            for (UdpPeer h : List.of(helper1, helper2)) {
                h.send(at, KrpcMessage.Query.ping(t(1), h.id, false));
                assertInstanceOf(KrpcMessage.Response.class, h.reply(at, 5000, true));
                long deadline = System.currentTimeMillis() + 2000;
                while (!node.nodes().stream().anyMatch(n -> n.address().equals(h.address()))
                        && System.currentTimeMillis() < deadline) {
                    h.reply(at, 100, true);
                }
            }
            assertEquals(2, node.nodes().size(), "helpers verified by a ping round trip: " + node.nodes());

            // an unverified client: get_peers answered with a token, within the query's size
            byte[] getPeers = Krpc.encode(KrpcMessage.Query.getPeers(t(2), client.id, IH, false));
            client.send(at, getPeers);
            byte[] raw = client.receive(5000);
            assertNotNull(raw);
            var first = assertInstanceOf(KrpcMessage.Response.class, Krpc.decode(raw));
            assertTrue(raw.length <= getPeers.length, raw.length + " reply bytes to a " + getPeers.length + "-byte query");
            assertNotNull(first.token());
            assertArrayEquals(node.nodeId(), first.senderId());

            // the client answers the node's verification ping; from then on it gets whole answers
            KrpcMessage.Query ping = null;
            for (int i = 0; i < 5 && ping == null; i++) {
                byte[] d = client.receive(1000);
                if (d != null && Krpc.decode(d) instanceof KrpcMessage.Query q && q.method() == KrpcMessage.Method.PING) {
                    ping = q;
                }
            }
            assertNotNull(ping, "the node pings an unknown querier to verify it");
            assertFalse(ping.readOnly());
            client.send(at, KrpcMessage.Response.idOnly(ping.transactionId(), client.id, null));

            byte[] findNode = Krpc.encode(KrpcMessage.Query.findNode(t(3), client.id, helper1.id, false));
            client.send(at, findNode);
            var found = assertInstanceOf(KrpcMessage.Response.class, client.reply(at, 5000, true));
            assertTrue(found.nodes().contains(new NodeInfo(helper1.id, helper1.address())), "nodes: " + found.nodes());
            assertEquals(client.address(), found.requester(), "BEP 42 ip: where the node saw us");

            // announce_peer: a wrong token is refused with 203, the issued one stores the peer
            client.send(at, KrpcMessage.Query.announcePeer(t(4), client.id, IH, 7000, false, new byte[] {1, 2, 3, 4}));
            var refused = assertInstanceOf(KrpcMessage.Error.class, client.reply(at, 5000, true));
            assertEquals(KrpcException.PROTOCOL, refused.code());
            client.send(at, KrpcMessage.Query.announcePeer(t(5), client.id, IH, 7000, false, first.token()));
            assertInstanceOf(KrpcMessage.Response.class, client.reply(at, 5000, true));
            helper1.send(at, KrpcMessage.Query.announcePeer(t(6), helper1.id, IH, 0, true,
                    ((KrpcMessage.Response) helper1GetPeers(helper1, at)).token()));
            assertInstanceOf(KrpcMessage.Response.class, helper1.reply(at, 5000, true));

            client.send(at, KrpcMessage.Query.getPeers(t(7), client.id, IH, false));
            var values = assertInstanceOf(KrpcMessage.Response.class, client.reply(at, 5000, true));
            assertEquals(2, values.values().size(), "values: " + values.values());
            assertTrue(values.values().contains(new InetSocketAddress(client.address().getAddress(), 7000)));
            assertTrue(values.values().contains(helper1.address()), "implied_port: the UDP source port is stored");

            // the token expires: 5 minutes later it still works (previous secret), after 10 it does not
            clock.addAndGet(11 * 60_000);
            client.send(at, KrpcMessage.Query.announcePeer(t(8), client.id, IH, 7001, false, first.token()));
            assertInstanceOf(KrpcMessage.Error.class, client.reply(at, 5000, true));
        }
    }

    private static KrpcMessage helper1GetPeers(UdpPeer h, InetSocketAddress at) throws Exception {
        h.send(at, KrpcMessage.Query.getPeers(t(9), h.id, IH, false));
        return h.reply(at, 5000, true);
    }

    @Test
    void aReadOnlyNodeAnswersNothingAndMarksItsQueries() throws Exception {
        try (DhtNode node = DhtNode.start(config(true, ""), System::currentTimeMillis, (ih, p) -> { });
                UdpPeer client = new UdpPeer("127.0.0.34")) {
            client.send(node.address(), KrpcMessage.Query.ping(t(1), client.id, false));
            client.send(node.address(), "garbage".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.currentTimeMillis() + 10_000;
            DhtNode.Status s = node.status();
            while ((s.queriesIn() < 1 || s.malformed() < 1) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                s = node.status();
            }
            assertEquals(1, s.queriesIn(), "the ping arrived: " + s);
            assertEquals(1, s.malformed(), "the garbage arrived: " + s);
            assertEquals(0, s.answered());
            assertEquals(null, client.reply(node.address(), 300, false), "read-only: no answer");
            // the status record is what /api/status shows under "dht"
            var json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s);
            assertEquals(1, json.path("queriesIn").asLong());
            assertTrue(json.path("readOnly").asBoolean());
        }
        // its own queries carry ro = 1: the bootstrap node (our socket) sees find_node with ro
        try (UdpPeer bootstrap = new UdpPeer("127.0.0.35")) {
            BridgeConfig.Dht c = config(true, "").withBootstrap(List.of(bootstrap.address()));
            try (DhtNode node = DhtNode.start(c, System::currentTimeMillis, (ih, p) -> { })) {
                byte[] d = bootstrap.receive(3000);
                assertNotNull(d, "the node queries its bootstrap node");
                var q = assertInstanceOf(KrpcMessage.Query.class, Krpc.decode(d));
                assertEquals(KrpcMessage.Method.FIND_NODE, q.method());
                assertArrayEquals(node.nodeId(), q.target(), "bootstrap looks up its own id");
                assertTrue(q.readOnly(), "BEP 43: ro = 1");
            }
        }
    }

    @Test
    void aBarrageOfBadAndSpoofedDatagramsLeavesItServingAndNeverAmplifies() throws Exception {
        try (DhtNode node = DhtNode.start(config(false, "  source-burst: 20\n  total-rate: 200\n"),
                System::currentTimeMillis, (ih, p) -> { })) {
            InetSocketAddress at = node.address();
            SplittableRandom random = new SplittableRandom(13);
            List<UdpPeer> sources = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    sources.add(new UdpPeer("127.0.1." + (10 + i)));
                }
                Map<UdpPeer, Map<Integer, Integer>> sentByT = new HashMap<>();
                Map<UdpPeer, long[]> bytes = new HashMap<>();
                int tx = 0;
                for (int round = 0; round < 100; round++) {
                    for (UdpPeer s : sources) {
                        byte[] d;
                        int kind = random.nextInt(6);
                        int txId = ++tx & 0xffff;
                        d = switch (kind) {
                            case 0 -> { // random bytes
                                byte[] g = new byte[1 + random.nextInt(300)];
                                random.nextBytes(g);
                                yield g;
                            }
                            case 1 -> { // a truncated query
                                byte[] full = Krpc.encode(KrpcMessage.Query.getPeers(t(txId), s.id, IH, false));
                                yield java.util.Arrays.copyOf(full, 1 + random.nextInt(full.length - 1));
                            }
                            case 2 -> new byte[2000 + random.nextInt(4000)]; // oversized
                            case 3 -> Krpc.encode(KrpcMessage.Query.findNode(t(txId), s.id, IH, false));
                            case 4 -> Krpc.encode(KrpcMessage.Query.getPeers(t(txId), s.id, IH, false));
                            default -> ("d1:ad2:id20:" + "a".repeat(20) + "e1:q3:foo1:t2:" + (char) (txId >>> 8)
                                    + (char) (txId & 0xff) + "1:y1:qe").getBytes(StandardCharsets.ISO_8859_1);
                        };
                        sentByT.computeIfAbsent(s, x -> new HashMap<>()).put(txId, d.length);
                        bytes.computeIfAbsent(s, x -> new long[2])[0] += d.length;
                        s.send(at, d);
                    }
                }
                // every source drains what came back; none ever answers the node's pings (they stay unverified)
                int replies = 0;
                for (UdpPeer s : sources) {
                    byte[] d;
                    while ((d = s.receive(300)) != null) {
                        bytes.get(s)[1] += d.length;
                        KrpcMessage m;
                        try {
                            m = Krpc.decode(d);
                        } catch (KrpcException e) {
                            throw new AssertionError("undecodable datagram from the node", e);
                        }
                        if (m instanceof KrpcMessage.Query) {
                            continue; // a verification ping (at most one per source)
                        }
                        byte[] mt = m.transactionId();
                        int key = ((mt[0] & 0xff) << 8) | (mt[1] & 0xff);
                        Integer sent = sentByT.get(s).get(key);
                        assertNotNull(sent, "a reply to a transaction the source never used");
                        assertTrue(d.length <= sent, "reply of " + d.length + " bytes to a " + sent + "-byte query: " + m);
                        replies++;
                    }
                }
                for (UdpPeer s : sources) {
                    long[] b = bytes.get(s);
                    assertTrue(b[1] <= b[0], "source " + s.address() + " got " + b[1] + " bytes for " + b[0] + " sent");
                }
                assertTrue(replies > 0, "control: some queries were answered");
                DhtNode.Status st = node.status();
                // (the kernel drops part of a barrage this fast; what arrived was counted)
                assertTrue(st.malformed() > 0 && st.queriesIn() > 0, "malformed and queries counted: " + st);
            } finally {
                sources.forEach(UdpPeer::close);
            }
            // still serving: a new source's ping is answered (retried while the global bucket refills, bounded)
            try (UdpPeer fresh = new UdpPeer("127.0.0.36")) {
                KrpcMessage answer = null;
                long deadline = System.currentTimeMillis() + 10_000;
                while (answer == null && System.currentTimeMillis() < deadline) {
                    fresh.send(at, KrpcMessage.Query.ping(t(1), fresh.id, false));
                    answer = fresh.reply(at, 300, false);
                }
                assertInstanceOf(KrpcMessage.Response.class, answer, "a ping after the barrage is answered");
            }
        }
    }
}
