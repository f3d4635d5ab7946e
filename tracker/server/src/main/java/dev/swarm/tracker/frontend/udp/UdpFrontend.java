package dev.swarm.tracker.frontend.udp;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.frontend.RequestLog;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 15 over Netty. With epoll (Linux), {@code threads} sockets are bound to the same address with SO_REUSEPORT,
 * one event loop each, and datagrams are received in batches ({@code recvmmsg}); elsewhere one NIO socket. No
 * other process may share the port ({@link UdpPortOwnership}); {@link #address()} is the bound address (port 0 in
 * the configuration becomes the port the kernel picked).
 */
public final class UdpFrontend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpFrontend.class);
    /** Receive slot size: larger than any valid request (see Udp.MAX_REQUEST_SIZE), so oversize is detectable. */
    private static final int MAX_DATAGRAM = 2048;
    /** Datagrams fetched by one recvmmsg call (epoll): the receive buffer holds this many slots. */
    private static final int BATCH = 32;

    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private InetSocketAddress bound;

    private UdpFrontend(EventLoopGroup group) {
        this.group = group;
    }

    public static UdpFrontend start(TrackerConfig.Udp cfg, TrackerLogic logic, InstantSource clock, Metrics metrics)
            throws Exception {
        return start(cfg, new TrackerConfig.RequestLog(false, 1), logic, clock, metrics);
    }

    /** @param log the request log ({@code request-log.*}), one for all the sockets */
    public static UdpFrontend start(TrackerConfig.Udp cfg, TrackerConfig.RequestLog log, TrackerLogic logic,
                                    InstantSource clock, Metrics metrics) throws Exception {
        return start(cfg, log, logic, clock, metrics, null);
    }

    /**
     * @param idKeys the connection-ID keys (shared with other nodes of a cluster); null: the configured
     *               {@code udp.connection-id-secret}, or a random key
     */
    public static UdpFrontend start(TrackerConfig.Udp cfg, TrackerConfig.RequestLog log, TrackerLogic logic,
                                    InstantSource clock, Metrics metrics, ConnectionIdKeys idKeys) throws Exception {
        RequestLog requestLog = new RequestLog(log);
        // No other socket may hold the port (see UdpPortOwnership). Port 0 needs no probe: the first bind gets a port
        // that no socket uses, and our other sockets bind to that one.
        InetSocketAddress configured = cfg.listen().resolve();
        InetSocketAddress addr = configured.getPort() == 0 ? configured : UdpPortOwnership.probe(configured);
        boolean epoll = Epoll.isAvailable();
        int threads = epoll ? cfg.threads() : 1;
        if (!epoll && cfg.threads() > 1) {
            LOG.warn("udp.threads={} needs epoll (Linux); using one NIO socket ({})", cfg.threads(),
                    Epoll.unavailabilityCause());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("udp-worker", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        UdpFrontend f = new UdpFrontend(group);
        // One key for all sockets: the kernel may move a client to another socket of the port.
        ConnectionIdKeys keys = idKeys != null ? idKeys : new ConnectionIdKeys(initialKey(cfg));
        // An IPv4 address gets an IPv4 socket: Netty's default dual-stack IPv6 socket would see every client as an
        // IPv4-mapped address and take the kernel's IPv6 path for each datagram (an IPv6 address keeps dual stack).
        SocketProtocolFamily family = addr.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET
                : SocketProtocolFamily.INET6;
        try {
            for (int i = 0; i < threads; i++) {
                Bootstrap b = new Bootstrap()
                        .group(group)
                        .channelFactory(() -> newChannel(epoll, family))
                        .option(ChannelOption.SO_RCVBUF, cfg.receiveBuffer())
                        .option(ChannelOption.SO_SNDBUF, cfg.receiveBuffer())
                        // The pooled allocator also pools the 64 KiB receive batches, which Netty 4.2's default
                        // adaptive allocator hands out unpooled (allocated, zeroed and freed per read).
                        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(epoll ? MAX_DATAGRAM * BATCH : MAX_DATAGRAM))
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new UdpHandler(logic,
                                        new ConnectionIds(keys, cfg.connectionIdLifetime()), clock, metrics,
                                        requestLog));
                            }
                        });
                if (epoll) {
                    b.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
                }
                Channel ch = b.bind(addr).sync().channel();
                f.channels.add(ch);
                addr = new InetSocketAddress(configured.getAddress(), ((InetSocketAddress) ch.localAddress()).getPort());
            }
            f.bound = addr;
            if (epoll) {
                f.refuseForeignSockets();
            }
        } catch (Exception e) {
            f.close();
            throw e;
        }
        LOG.info("UDP listening on {} ({} socket{}, {})", addr, threads, threads == 1 ? "" : "s", epoll ? "epoll" : "nio");
        return f;
    }

    /** The configured {@code udp.connection-id-secret}, or a random key when none is configured. */
    public static byte[] initialKey(TrackerConfig.Udp cfg) {
        byte[] key = cfg.connectionIdSecret();
        if (key == null) {
            key = new byte[16];
            new SecureRandom().nextBytes(key);
        }
        return key;
    }

    /** Fails if a socket that is not ours joined the port between the probe and our binds (SO_REUSEPORT). */
    private void refuseForeignSockets() throws IOException {
        Set<Long> own = new HashSet<>();
        for (Channel c : channels) {
            own.add(UdpPortOwnership.inode(((EpollDatagramChannel) c).fd().intValue()));
        }
        List<UdpPortOwnership.Entry> foreign = UdpPortOwnership.foreignSockets(bound, own);
        if (!foreign.isEmpty()) {
            UdpPortOwnership.Entry e = foreign.get(0);
            throw new BindException("address in use (another process joined the port with SO_REUSEPORT: socket "
                    + e.local().getAddress().getHostAddress() + ":" + e.local().getPort() + ", inode " + e.inode() + ")");
        }
    }

    private static Channel newChannel(boolean epoll, SocketProtocolFamily family) {
        return epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
    }

    public InetSocketAddress address() {
        return bound;
    }

    @Override
    public void close() {
        for (Channel c : channels) {
            c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
