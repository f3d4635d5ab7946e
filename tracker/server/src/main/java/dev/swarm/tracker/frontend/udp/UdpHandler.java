package dev.swarm.tracker.frontend.udp;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.udp.ConnectRequest;
import dev.swarm.protocol.udp.Udp;
import dev.swarm.protocol.udp.UdpAnnounceRequest;
import dev.swarm.protocol.udp.UdpCodec;
import dev.swarm.protocol.udp.UdpRequest;
import dev.swarm.protocol.udp.UdpScrapeRequest;
import dev.swarm.tracker.frontend.PeerAddresses;
import dev.swarm.tracker.frontend.RequestLog;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.swarm.Family;
import dev.swarm.tracker.swarm.PeerSample;
import dev.swarm.tracker.swarm.ScrapeHolder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP frontend's per-socket handler: bytes → protocol record → {@link TrackerLogic} → bytes. One instance per
 * channel (it owns scratch state), so it runs on one event-loop thread and needs no locking. Replies are written
 * and flushed once per read batch, which lets the epoll transport send them with one {@code sendmmsg}.
 *
 * <p>Amplification: a source that has not proven its address (no valid connection ID) never gets more bytes
 * back than it sent: a connect reply is 16 bytes for a 16-byte request, error replies are cut to the request's size.
 *
 * <p>With the request log on, each request from a known sender gets a line ({@link RequestLog}): connects,
 * announces, scrapes, and those answered with an error or dropped (malformed, invalid connection ID).
 */
final class UdpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UdpHandler.class);
    /** UDP replies fit one unfragmented datagram: 20-byte header + 200 × 6 (IPv4) or 66 × 18 (IPv6) bytes. */
    static final int MAX_PEERS_V4 = 200;
    static final int MAX_PEERS_V6 = 66;
    /** Largest reply: a scrape of {@link Udp#MAX_SCRAPE_HASHES} hashes (8 + 12 × 74) or an announce (20 + 1200). */
    private static final int MAX_REPLY = 1232;

    private final TrackerLogic logic;
    private final ConnectionIds ids;
    private final InstantSource clock;
    private final AnnounceContext announce = new AnnounceContext();
    private final PeerSample sample = new PeerSample(Math.max(MAX_PEERS_V4, MAX_PEERS_V6));
    private final ScrapeHolder scrape = new ScrapeHolder();
    private final int[] seeders = new int[Udp.MAX_SCRAPE_HASHES];
    private final int[] completed = new int[Udp.MAX_SCRAPE_HASHES];
    private final int[] leechers = new int[Udp.MAX_SCRAPE_HASHES];
    private final Metrics.Counter connects;
    private final Metrics.Counter announces;
    private final Metrics.Counter scrapes;
    private final Metrics.Counter errors;
    private final Metrics.Counter dropped;
    private final Metrics.Counter badConnectionId;
    private final Metrics.Counter droppedBanned;
    private final Metrics.Latency announceLatency;
    private final Metrics.Latency scrapeLatency;
    private final RequestLog requestLog;

    UdpHandler(TrackerLogic logic, ConnectionIds ids, InstantSource clock, Metrics metrics) {
        this(logic, ids, clock, metrics, RequestLog.OFF);
    }

    UdpHandler(TrackerLogic logic, ConnectionIds ids, InstantSource clock, Metrics metrics, RequestLog requestLog) {
        this.logic = logic;
        this.requestLog = requestLog;
        this.ids = ids;
        this.clock = clock;
        this.connects = metrics.counter("udp.connect");
        this.announces = metrics.counter("udp.announce");
        this.scrapes = metrics.counter("udp.scrape");
        this.errors = metrics.counter("udp.error_sent");
        this.dropped = metrics.counter("udp.dropped");
        this.badConnectionId = metrics.counter("udp.invalid_connection_id");
        this.droppedBanned = metrics.counter("udp.dropped_banned");
        this.announceLatency = metrics.requestLatency("udp", "announce");
        this.scrapeLatency = metrics.requestLatency("udp", "scrape");
        announce.transport = AnnounceContext.Transport.UDP;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            handle(ctx, packet);
        } catch (RuntimeException e) {
            // A bug must not kill the worker: count it, log it, drop the packet.
            dropped.inc();
            LOG.error("unexpected error handling a UDP packet from {}", packet.sender(), e);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("UDP socket error: {}", cause.toString());
    }

    private void handle(ChannelHandlerContext ctx, DatagramPacket packet) {
        long t0 = System.nanoTime();
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > Udp.MAX_REQUEST_SIZE) {
            dropped.inc();
            return;
        }
        InetSocketAddress sender = packet.sender();
        if (sender == null || sender.getAddress() == null) {
            dropped.inc();
            return;
        }
        long now = clock.millis();
        byte[] address = PeerAddresses.canonical(sender.getAddress());
        UdpRequest request;
        try {
            request = UdpCodec.decode(content.nioBuffer());
        } catch (ProtocolException e) {
            if (e.replyable()) {
                sendError(ctx, sender, e.transactionId(), e.getMessage(), length);
                log(address, "request", "failure \"" + e.getMessage() + "\"", t0);
            } else {
                dropped.inc();
                log(address, "request", "dropped (" + e.getMessage() + ")", t0);
            }
            return;
        }
        switch (request) {
            case ConnectRequest c -> {
                connects.inc();
                ByteBuf out = ctx.alloc().directBuffer(16);
                ByteBuffer nio = out.nioBuffer(0, 16);
                UdpCodec.writeConnect(nio, c.transactionId(), ids.issue(address, now));
                out.writerIndex(nio.position());
                ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
                log(address, "connect", "ok", t0);
            }
            case UdpAnnounceRequest a -> {
                if (!ids.isValid(a.connectionId(), address, now)) {
                    invalidId(ctx, sender, address, now, a.transactionId(), length, "announce", t0);
                    return;
                }
                announces.inc();
                String failure = announce(ctx, sender, address, a, now);
                long nanos = System.nanoTime() - t0;
                announceLatency.recordNanos(nanos);
                if (requestLog.sampled()) {
                    requestLog.announce("udp", address, a.infoHash(), a.event(), a.left(), a.numWant(), failure,
                            failure == null ? sample.count() : 0, nanos);
                }
            }
            case UdpScrapeRequest s -> {
                if (!ids.isValid(s.connectionId(), address, now)) {
                    invalidId(ctx, sender, address, now, s.transactionId(), length, "scrape", t0);
                    return;
                }
                scrapes.inc();
                String refused = logic.checkScrape(AnnounceContext.Transport.UDP, "");
                if (refused != null) {
                    sendError(ctx, sender, s.transactionId(), refused, MAX_REPLY);
                } else {
                    scrape(ctx, sender, s, now);
                }
                long nanos = System.nanoTime() - t0;
                if (refused == null) {
                    scrapeLatency.recordNanos(nanos);
                }
                if (requestLog.sampled()) {
                    requestLog.scrape("udp", address, s.infoHashes().length, refused, nanos);
                }
            }
        }
    }

    /** A request line for the request log, if it samples this request. */
    private void log(byte[] address, String request, String outcome, long t0) {
        if (requestLog.sampled()) {
            requestLog.other("udp", address, request, outcome, System.nanoTime() - t0);
        }
    }

    /** Answers an invalid connection ID (no larger than the request) unless the logic's ban step says not to. */
    private void invalidId(ChannelHandlerContext ctx, InetSocketAddress sender, byte[] address, long now, int txId,
                           int length, String request, long t0) {
        badConnectionId.inc();
        if (!logic.answerInvalidConnectionId(address, now)) {
            droppedBanned.inc();
            log(address, request, "dropped (invalid connection id, address banned)", t0);
            return;
        }
        sendError(ctx, sender, txId, "invalid connection id", length);
        log(address, request, "failure \"invalid connection id\"", t0);
    }

    /** @return the failure sent instead of peers, or null */
    private String announce(ChannelHandlerContext ctx, InetSocketAddress sender, byte[] address, UdpAnnounceRequest a,
                          long now) {
        AnnounceContext c = announce;
        System.arraycopy(a.infoHash(), 0, c.op.infoHash, 0, 20);
        System.arraycopy(a.peerId(), 0, c.peerId, 0, 20);
        PeerAddresses.fill(c.op, address, a.port());
        c.op.event = a.event();
        c.uploaded = a.uploaded();
        c.downloaded = a.downloaded();
        c.left = a.left();
        c.requestedNumWant = a.numWant();
        c.transportPeerCap = c.op.family == Family.V4 ? MAX_PEERS_V4 : MAX_PEERS_V6;
        c.path = a.urlData().length == 0 ? "" : new String(a.urlData(), StandardCharsets.ISO_8859_1);
        c.clientAddress = address;
        String failure = logic.announce(c, sample, now);
        if (failure != null) {
            // Authenticated source (valid connection ID): the error may be longer than the request.
            sendError(ctx, sender, a.transactionId(), failure, MAX_REPLY);
            return failure;
        }
        ByteBuf out = ctx.alloc().directBuffer(20 + sample.bytes());
        ByteBuffer nio = out.nioBuffer(0, out.capacity());
        UdpCodec.writeAnnounce(nio, a.transactionId(), logic.intervalSeconds(), sample.leechers(), sample.seeders(),
                sample.peers(), 0, sample.bytes());
        out.writerIndex(nio.position());
        ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
        return null;
    }

    private void scrape(ChannelHandlerContext ctx, InetSocketAddress sender, UdpScrapeRequest s, long now) {
        byte[][] hashes = s.infoHashes();
        int n = hashes.length;
        for (int i = 0; i < n; i++) {
            if (logic.scrape(hashes[i], 0, scrape, now)) {
                seeders[i] = clampInt(scrape.seeders());
                completed[i] = clampInt(scrape.downloaded());
                leechers[i] = clampInt(scrape.leechers());
            } else {
                // Hidden by a scrape policy; UDP answers are positional, so it reads as an unknown torrent.
                seeders[i] = 0;
                completed[i] = 0;
                leechers[i] = 0;
            }
        }
        int size = 8 + 12 * n;
        ByteBuf out = ctx.alloc().directBuffer(size);
        ByteBuffer nio = out.nioBuffer(0, size);
        UdpCodec.writeScrape(nio, s.transactionId(), n, seeders, completed, leechers);
        out.writerIndex(nio.position());
        ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
    }

    private void sendError(ChannelHandlerContext ctx, InetSocketAddress sender, int txId, String message, int maxBytes) {
        if (maxBytes < 8) {
            dropped.inc();
            return;
        }
        errors.inc();
        int cap = Math.min(maxBytes, 8 + message.length());
        ByteBuf out = ctx.alloc().directBuffer(cap);
        ByteBuffer nio = out.nioBuffer(0, cap);
        UdpCodec.writeError(nio, txId, message, cap);
        out.writerIndex(nio.position());
        ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
    }

    private static int clampInt(long v) {
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }
}
