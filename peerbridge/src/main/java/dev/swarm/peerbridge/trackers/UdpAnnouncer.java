package dev.swarm.peerbridge.trackers;

import dev.swarm.peerbridge.net.AddressFilter;
import dev.swarm.peerbridge.net.Resolver;
import dev.swarm.protocol.CompactPeers;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ConnectResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * BEP 15 announces over one unconnected datagram socket: connect (connection ids cached for
 * 60 s per tracker address, as BEP 15 allows), then announce with the URL's path and query as
 * BEP 41 URLData. A reply is taken only from the address the request went to and only for its
 * transaction id. Each stage is sent again once at half the timeout; the whole announce fails
 * after the timeout, counted from the call (the name lookup included). At most {@code maxConcurrent}
 * announces are in flight. One named thread receives, one named thread runs timers; names are
 * resolved on the {@link Resolver}'s own bounded pool with its time bound, so a slow resolver never
 * delays a timeout. A learned URL ({@link AnnounceRequest#learned()}) is refused when the
 * {@link AddressFilter} refuses the address it resolves to (checked at request time: the datagrams go
 * to exactly the address checked).
 */
public final class UdpAnnouncer implements AnnounceClient {
    /** BEP 15: a connection id may be used for one minute. */
    static final long CONNECTION_ID_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** A reply with 200 IPv6 peers is 20 + 200 × 18 bytes; anything up to a full datagram is read. */
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramChannel channel;
    private final Duration timeout;
    private final int maxConcurrent;
    private final ScheduledExecutorService timers;
    private final Thread receiver;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Resolver resolver;
    private final boolean ownResolver;
    private final AddressFilter filter;
    private final Map<SocketAddress, long[]> connectionIds = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<SocketAddress, long[]> eldest) {
            return size() > 1024;
        }
    };

    private final class Pending {
        final InetSocketAddress address;
        final AnnounceRequest request;
        final byte[] urlData;
        final CompletableFuture<AnnounceResult> future = new CompletableFuture<>();
        final long start;
        volatile int txId;
        volatile boolean connecting;
        volatile long connectionId;
        volatile ScheduledFuture<?> retransmit;

        Pending(InetSocketAddress address, AnnounceRequest request, byte[] urlData, long start) {
            this.start = start;
            this.address = address;
            this.request = request;
            this.urlData = urlData;
        }
    }

    /** @param bind local address of the socket, e.g. {@code 0.0.0.0:0} */
    public UdpAnnouncer(InetSocketAddress bind, Duration timeout, int maxConcurrent) throws IOException {
        this(bind, timeout, maxConcurrent, null, AddressFilter.ALLOW_ALL);
    }

    /**
     * @param resolver resolves tracker hosts (null: a private standard one)
     * @param filter   what learned URLs may resolve to
     */
    public UdpAnnouncer(InetSocketAddress bind, Duration timeout, int maxConcurrent, Resolver resolver,
            AddressFilter filter) throws IOException {
        this.ownResolver = resolver == null;
        this.resolver = resolver == null ? Resolver.standard() : resolver;
        this.filter = filter;
        this.timeout = timeout;
        this.maxConcurrent = maxConcurrent;
        this.channel = DatagramChannel.open().bind(bind);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-udp-announce-timer");
            t.setDaemon(true);
            return t;
        });
        this.receiver = new Thread(this::receiveLoop, "pb-udp-announce-rx");
        receiver.setDaemon(true);
        receiver.start();
    }

    @Override
    public CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest request) {
        long start = System.nanoTime();
        if (pending.size() >= maxConcurrent) {
            return CompletableFuture.completedFuture(failure("too many announces in flight", start));
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(failure("bad URL: " + e.getMessage(), start));
        }
        if (uri.getHost() == null || uri.getPort() < 1) {
            return CompletableFuture.completedFuture(failure("UDP tracker URL needs host and port", start));
        }
        String pathQuery = (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] urlData = pathQuery.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<AnnounceResult> result = new CompletableFuture<>();
        byte[] data = urlData.length > 1024 ? new byte[0] : urlData;
        resolver.resolve(uri.getHost()).whenComplete((ips, e) -> {
            if (e != null) {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                result.complete(failure(c.getMessage() == null ? "unknown host " + uri.getHost() : c.getMessage(), start));
                return;
            }
            InetAddress ip = ips.get(0);
            String refused = request.learned() ? filter.refusal(ips) : null;
            if (refused != null) {
                result.complete(failure("refused: " + refused + " (tex.allow-private-addresses is false)", start));
                return;
            }
            long left = timeout.toNanos() - (System.nanoTime() - start);
            if (left <= 0) {
                result.complete(failure("timeout after " + timeout.toMillis() + " ms", start));
                return;
            }
            try {
                timers.execute(() -> {
                    Pending p = new Pending(new InetSocketAddress(ip, uri.getPort()), request, data, start);
                    p.future.whenComplete((r, x) -> result.complete(r));
                    begin(p, left);
                });
            } catch (java.util.concurrent.RejectedExecutionException x) {
                result.complete(failure("announcer closed", start));
            }
        });
        return result;
    }

    private void begin(Pending p, long leftNanos) {
        long[] cached;
        synchronized (connectionIds) {
            cached = connectionIds.get(p.address);
        }
        timers.schedule(() -> complete(p, failure("timeout after " + timeout.toMillis() + " ms", p.start)),
                leftNanos, TimeUnit.NANOSECONDS);
        if (cached != null && System.nanoTime() - cached[1] < CONNECTION_ID_NANOS) {
            p.connectionId = cached[0];
            sendStage(p, false);
        } else {
            sendStage(p, true);
        }
    }

    private void sendStage(Pending p, boolean connect) {
        if (p.future.isDone()) {
            return;
        }
        pending.remove(p.txId);
        int tx = random.nextInt();
        p.txId = tx;
        p.connecting = connect;
        pending.put(tx, p);
        ByteBuffer out = ByteBuffer.allocate(98 + 1200);
        if (connect) {
            UdpClientCodec.writeConnectRequest(out, tx);
        } else {
            AnnounceRequest r = p.request;
            UdpClientCodec.writeAnnounceRequest(out, p.connectionId, tx, r.infoHash(), r.peerId(), 0, r.left(), 0,
                    r.event(), r.key(), r.numWant(), r.port(), p.urlData);
        }
        out.flip();
        transmit(p, out.duplicate());
        if (p.retransmit != null) {
            p.retransmit.cancel(false);
        }
        p.retransmit = timers.schedule(() -> {
            if (!p.future.isDone() && p.txId == tx) {
                transmit(p, out.duplicate());
            }
        }, timeout.toMillis() / 2, TimeUnit.MILLISECONDS);
    }

    private void transmit(Pending p, ByteBuffer packet) {
        try {
            channel.send(packet, p.address);
        } catch (IOException e) {
            complete(p, failure("send: " + e.getMessage(), p.start));
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                buf.flip();
                handle(from, buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!channel.isOpen()) {
                    return;
                }
            }
        }
    }

    private void handle(SocketAddress from, ByteBuffer packet) {
        if (packet.remaining() < 8) {
            return;
        }
        Pending p = pending.get(packet.getInt(packet.position() + 4));
        if (p == null || !p.address.equals(from)) {
            return;
        }
        UdpResponse response;
        try {
            response = UdpClientCodec.decodeResponse(packet, p.address.getAddress() instanceof Inet6Address);
        } catch (ProtocolException e) {
            complete(p, failure("invalid reply: " + e.getMessage(), p.start));
            return;
        }
        switch (response) {
            case ConnectResponse c when p.connecting -> {
                synchronized (connectionIds) {
                    connectionIds.put(p.address, new long[] {c.connectionId(), System.nanoTime()});
                }
                p.connectionId = c.connectionId();
                sendStage(p, false);
            }
            case AnnounceResponse a when !p.connecting -> {
                boolean v6 = p.address.getAddress() instanceof Inet6Address;
                try {
                    complete(p, new AnnounceResult.Success(
                            CompactPeers.decode(a.peers(), 0, a.peers().length, v6), a.interval(), 0,
                            Integer.toUnsignedLong(a.seeders()), Integer.toUnsignedLong(a.leechers()),
                            HttpAnnouncer.since(p.start)));
                } catch (ProtocolException e) {
                    complete(p, failure("invalid peers: " + e.getMessage(), p.start));
                }
            }
            case ErrorResponse e -> {
                if (!p.connecting) {
                    synchronized (connectionIds) {
                        connectionIds.remove(p.address);
                    }
                }
                complete(p, failure("tracker error: " + e.message(), p.start));
            }
            default -> complete(p, failure("unexpected reply " + response.getClass().getSimpleName(), p.start));
        }
    }

    private void complete(Pending p, AnnounceResult r) {
        if (p.future.complete(r)) {
            pending.remove(p.txId, p);
            if (p.retransmit != null) {
                p.retransmit.cancel(false);
            }
        }
    }

    private static AnnounceResult.Failure failure(String reason, long start) {
        return new AnnounceResult.Failure(reason, Duration.ZERO, HttpAnnouncer.since(start));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do with the socket
        }
        timers.shutdownNow();
        if (ownResolver) {
            resolver.close();
        }
        for (Pending p : pending.values()) {
            p.future.complete(failure("announcer closed", p.start));
        }
        pending.clear();
    }
}
