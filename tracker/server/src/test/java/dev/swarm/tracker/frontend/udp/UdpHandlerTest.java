package dev.swarm.tracker.frontend.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ConnectResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.Udp;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.e2e.MutableClock;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.InvalidIdPolicy;
import dev.swarm.tracker.logic.ScrapePolicy;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.swarm.HeapSwarmStore;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStoreConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
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
 * The UDP handler without sockets: datagrams go into Netty's {@link EmbeddedChannel} and the replies are read back,
 * with a real {@link TrackerLogic} on an on-heap store and a hand-moved clock. Every inbound buffer must be released
 * (the tests run with Netty's leak detector at paranoid, and check reference counts).
 */
@Timeout(30)
class UdpHandlerTest {
    private static final byte[] HASH = "udp-handler-hash-001".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PEER_ID = "-TT0001-000000000001".getBytes(StandardCharsets.ISO_8859_1);
    private static final InetSocketAddress TRACKER = new InetSocketAddress(ip("127.0.0.1"), 6969);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(ip("10.0.0.1"), 40000);

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final DropwizardMetrics metrics = DropwizardMetrics.create();
    private final TrackerConfig cfg = ConfigLoader.load(null, Map.of("announce.max-numwant", "1000",
            "announce.interval", "20m"));
    private final SwarmStore store = new HeapSwarmStore(new SwarmStoreConfig(null, 100, 1000, 10, Duration.ofMinutes(45)));
    private final List<ByteBuf> inbound = new ArrayList<>();
    private EmbeddedChannel channel;

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void open(List<AnnouncePolicy> policies, List<ScrapePolicy> scrape, InvalidIdPolicy invalidIds) {
        TrackerLogic logic = new TrackerLogic(cfg.announce(), store, policies, List.of(), scrape, invalidIds, clock,
                metrics);
        byte[] key = new byte[16];
        Arrays.fill(key, (byte) 7);
        channel = new EmbeddedChannel(new UdpHandler(logic, new ConnectionIds(key, Duration.ofMinutes(2)), clock,
                metrics));
    }

    private void open() {
        open(List.of(), List.of(), InvalidIdPolicy.ANSWER_ALL);
    }

    @AfterEach
    void close() {
        if (channel != null) {
            assertFalse(channel.finish(), "no reply left unread");
        }
        store.close();
        for (ByteBuf b : inbound) {
            assertEquals(0, b.refCnt(), "every inbound datagram is released");
        }
    }

    /** Feeds one datagram from {@code sender}; returns its reply, or null when it was dropped. */
    private byte[] send(byte[] bytes, InetSocketAddress sender) {
        ByteBuf content = Unpooled.buffer(bytes.length).writeBytes(bytes); // not the shared empty buffer
        inbound.add(content);
        channel.writeInbound(new DatagramPacket(content, TRACKER, sender));
        DatagramPacket reply = channel.readOutbound();
        if (reply == null) {
            return null;
        }
        try {
            assertEquals(sender, reply.recipient(), "the reply goes back to the sender");
            byte[] out = new byte[reply.content().readableBytes()];
            reply.content().getBytes(reply.content().readerIndex(), out);
            return out;
        } finally {
            reply.release();
        }
    }

    private UdpResponse request(byte[] bytes, InetSocketAddress sender) throws Exception {
        byte[] reply = send(bytes, sender);
        assertNotNull(reply, "answered");
        return UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), sender.getAddress().getAddress().length == 16);
    }

    private static byte[] connectPacket(int txId) {
        ByteBuffer b = ByteBuffer.allocate(16);
        UdpClientCodec.writeConnectRequest(b, txId);
        return b.array();
    }

    private long connect(InetSocketAddress sender) throws Exception {
        ConnectResponse r = assertInstanceOf(ConnectResponse.class, request(connectPacket(5), sender));
        assertEquals(5, r.transactionId());
        return r.connectionId();
    }

    private static byte[] announcePacket(long connId, int txId, long left, int numWant, int port) {
        ByteBuffer b = ByteBuffer.allocate(200);
        UdpClientCodec.writeAnnounceRequest(b, connId, txId, HASH, PEER_ID, 0, left, 0, AnnounceEvent.NONE, 1, numWant,
                port, null);
        return Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] scrapePacket(long connId, int txId, byte[]... hashes) {
        ByteBuffer b = ByteBuffer.allocate(16 + 20 * hashes.length);
        UdpClientCodec.writeScrapeRequest(b, connId, txId, hashes);
        return b.array();
    }

    private static InetSocketAddress v4(int i) {
        return new InetSocketAddress(ip("10.1." + (i >> 8) + "." + (i & 0xFF)), 6881);
    }

    @Test
    void connectThenAnnounceWithTheIdGetsThePeers() throws Exception {
        open();
        InetSocketAddress seeder = new InetSocketAddress(ip("10.0.0.2"), 40001);
        assertInstanceOf(AnnounceResponse.class, request(announcePacket(connect(seeder), 1, 0, 50, 7001), seeder));
        AnnounceResponse r = assertInstanceOf(AnnounceResponse.class,
                request(announcePacket(connect(CLIENT), 2, 100, 50, 7002), CLIENT));
        assertEquals(2, r.transactionId());
        assertEquals(1200, r.interval());
        assertEquals(1, r.seeders());
        assertEquals(1, r.leechers());
        assertArrayEquals(new byte[] {10, 0, 0, 2, 0x1B, 0x59}, r.peers(), "the seeder at its announced port 7001");
        assertEquals(2, metrics.counter("udp.connect").count());
        assertEquals(2, metrics.counter("udp.announce").count());
    }

    @Test
    void anIpv4AnswerIsCappedAtOneDatagramsWorthOfPeers() throws Exception {
        open();
        for (int i = 0; i < UdpHandler.MAX_PEERS_V4 + 50; i++) {
            InetSocketAddress peer = v4(i);
            request(announcePacket(connect(peer), i, 0, 0, 6881), peer);
        }
        byte[] reply = send(announcePacket(connect(CLIENT), 1, 100, 1000, 6881), CLIENT);
        assertEquals(20 + 6 * UdpHandler.MAX_PEERS_V4, reply.length, "numwant 1000 gets 200 peers: 1220 bytes");
    }

    @Test
    void anIdIsValidOnlyForItsAddressAndItsLifetime() throws Exception {
        open();
        long id = connect(CLIENT);
        InetSocketAddress other = new InetSocketAddress(ip("10.0.0.9"), 40000);
        byte[] packet = announcePacket(id, 3, 100, 50, 7001);
        byte[] reply = send(packet, other);
        ErrorResponse e = assertInstanceOf(ErrorResponse.class, UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false));
        assertEquals("invalid connection id", e.message());
        assertTrue(reply.length <= packet.length, "an unproven source gets no more bytes than it sent");
        clock.advance(Duration.ofMinutes(2).toMillis());
        assertInstanceOf(AnnounceResponse.class, request(packet, CLIENT), "valid until its lifetime has passed");
        clock.advance(1000);
        assertInstanceOf(ErrorResponse.class, request(packet, CLIENT), "expired");
        assertEquals(2, metrics.counter("udp.invalid_connection_id").count());
    }

    @Test
    void whenTheBanStepSaysSoInvalidIdsAreDroppedButConnectsAndValidIdsAreServed() throws Exception {
        List<String> asked = new ArrayList<>();
        open(List.of(), List.of(), (address, now) -> {
            asked.add(Arrays.toString(address) + "@" + now);
            return false;
        });
        assertNull(send(announcePacket(0x1234L, 1, 100, 50, 7001), CLIENT), "muted: dropped unanswered");
        assertEquals(List.of("[10, 0, 0, 1]@" + clock.millis()), asked, "the step is asked with address and time");
        long id = connect(CLIENT);
        assertInstanceOf(AnnounceResponse.class, request(announcePacket(id, 2, 100, 50, 7001), CLIENT));
        assertInstanceOf(ScrapeResponse.class, request(scrapePacket(id, 3, HASH), CLIENT));
        assertEquals(1, asked.size(), "valid requests never reach the ban step");
        assertEquals(1, metrics.counter("udp.dropped_banned").count());
    }

    @Test
    void scrapesAnswerCountsAndHiddenTorrentsReadAsUnknown() throws Exception {
        byte[] hidden = "udp-handler-hidden-1".getBytes(StandardCharsets.ISO_8859_1);
        open(List.of(), List.of(new ScrapePolicy() {
            @Override
            public String checkRequest(AnnounceContext.Transport transport, String path) {
                return null;
            }

            @Override
            public boolean mayShow(byte[] hashes, int off) {
                return !Arrays.equals(hashes, off, off + 20, hidden, 0, 20);
            }
        }), InvalidIdPolicy.ANSWER_ALL);
        long id = connect(CLIENT);
        request(announcePacket(id, 1, 0, 50, 7001), CLIENT);
        ScrapeResponse s = assertInstanceOf(ScrapeResponse.class,
                request(scrapePacket(id, 2, HASH, new byte[20], hidden), CLIENT));
        assertArrayEquals(new int[] {1, 0, 0}, s.seeders());
        assertArrayEquals(new int[] {0, 0, 0}, s.leechers());
    }

    @Test
    void aRefusedScrapeGetsTheReason() throws Exception {
        open(List.of(), List.of(new ScrapePolicy() {
            @Override
            public String checkRequest(AnnounceContext.Transport transport, String path) {
                return transport == AnnounceContext.Transport.UDP ? "no UDP scrapes here" : null;
            }

            @Override
            public boolean mayShow(byte[] hashes, int off) {
                return true;
            }
        }), InvalidIdPolicy.ANSWER_ALL);
        ErrorResponse e = assertInstanceOf(ErrorResponse.class, request(scrapePacket(connect(CLIENT), 2, HASH), CLIENT));
        assertEquals("no UDP scrapes here", e.message());
    }

    @Test
    void aRefusedAnnounceFromAProvenSourceGetsTheWholeReason() throws Exception {
        String reason = "a refusal reason that is longer than many requests are, told in full to a proven source ".repeat(2);
        open(List.of(c -> reason), List.of(), InvalidIdPolicy.ANSWER_ALL);
        ErrorResponse e = assertInstanceOf(ErrorResponse.class,
                request(announcePacket(connect(CLIENT), 2, 100, 50, 7001), CLIENT));
        assertEquals(reason, e.message());
    }

    @Test
    void undecodableDatagramsAreDroppedOrAnsweredNoLargerThanThemselves() throws Exception {
        open();
        assertNull(send(new byte[0], CLIENT), "empty");
        assertNull(send(Arrays.copyOf(connectPacket(1), 15), CLIENT), "shorter than a header");
        assertNull(send(new byte[Udp.MAX_REQUEST_SIZE + 1], CLIENT), "larger than any request");
        byte[] noProtocolId = connectPacket(1);
        noProtocolId[0] = 1;
        assertNull(send(noProtocolId, CLIENT), "a connect without the protocol id");
        assertNull(send(Arrays.copyOf(announcePacket(1, 1, 0, 50, 7001), 97), CLIENT), "an announce under 98 bytes");
        assertEquals(5, metrics.counter("udp.dropped").count());
        ByteBuffer unknown = ByteBuffer.allocate(16).putLong(Udp.PROTOCOL_ID).putInt(7).putInt(99);
        byte[] reply = send(unknown.array(), CLIENT);
        assertNotNull(reply, "an unknown action is answered");
        assertTrue(reply.length <= 16, "with at most 16 bytes: " + reply.length);
        assertEquals(99, ByteBuffer.wrap(reply, 4, 4).getInt());
    }

    @Test
    void aBugInTheLogicDropsThePacketAndTheHandlerKeepsServing() throws Exception {
        boolean[] fail = {true};
        open(List.of(c -> {
            if (fail[0]) {
                throw new IllegalStateException("a bug");
            }
            return null;
        }), List.of(), InvalidIdPolicy.ANSWER_ALL);
        long id = connect(CLIENT);
        assertNull(send(announcePacket(id, 1, 100, 50, 7001), CLIENT), "dropped");
        assertEquals(1, metrics.counter("udp.dropped").count());
        assertTrue(channel.isActive(), "the channel stays open");
        fail[0] = false;
        assertInstanceOf(AnnounceResponse.class, request(announcePacket(id, 2, 100, 50, 7001), CLIENT));
    }

    @Test
    void somethingOtherThanADatagramIsReleasedAndIgnored() {
        open();
        ByteBuf stray = Unpooled.buffer(8).writeLong(1);
        inbound.add(stray);
        channel.writeInbound(stray);
        assertNull(channel.readOutbound());
    }

    @Test
    void ipv6ClientsGetIpv6Peers() throws Exception {
        open();
        InetSocketAddress a = new InetSocketAddress(ip("2001:db8::1"), 40000);
        InetSocketAddress b = new InetSocketAddress(ip("2001:db8::2"), 40000);
        request(announcePacket(connect(a), 1, 0, 50, 7001), a);
        request(announcePacket(connect(CLIENT), 1, 0, 50, 7001), CLIENT);
        AnnounceResponse r = assertInstanceOf(AnnounceResponse.class, request(announcePacket(connect(b), 2, 100, 50, 7002), b));
        assertEquals(18, r.peers().length, "only the IPv6 seeder, as an 18-byte record");
        assertArrayEquals(Arrays.copyOf(a.getAddress().getAddress(), 16), Arrays.copyOf(r.peers(), 16));
    }
}
