package dev.swarm.peerbridge.net;

import dev.swarm.peerbridge.session.PeerTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Netty TCP for peers: one listening socket and outgoing connections, all on one event loop thread
 * ({@code pb-io}, epoll when available) that the bridge also runs its logic on, so no state is
 * shared between threads.
 */
public final class PeerNetwork implements AutoCloseable {
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final boolean epoll;
    private final int maxBuffered;
    private final Duration connectTimeout;
    private Channel server;

    public PeerNetwork(int maxMessageSize, Duration connectTimeout) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pb-io", true), io);
        this.loop = group.next();
        this.maxBuffered = maxMessageSize + 4 + 68;
        this.connectTimeout = connectTimeout;
    }

    /** The single event loop: run logic here to be on the I/O thread. */
    public EventLoop loop() {
        return loop;
    }

    /** Binds the listening socket; blocks until bound. */
    public InetSocketAddress listen(InetSocketAddress address, Function<PeerTransport, ChannelEvents> acceptor)
            throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ChannelFuture f = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PeerChannelHandler(acceptor, maxBuffered));
                    }
                }).bind(address).sync();
        server = f.channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** True while the listening socket is bound and open. */
    public boolean listening() {
        Channel s = server;
        return s != null && s.isActive();
    }

    /** Dials a peer; {@code onFailure} runs on the loop if the connection cannot be made. */
    public void dial(InetSocketAddress address, Function<PeerTransport, ChannelEvents> owner, Consumer<Throwable> onFailure) {
        Class<? extends Channel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        new Bootstrap().group(group).channel(type)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 256 * 1024))
                .handler(new PeerChannelHandler(owner, maxBuffered))
                .connect(address).addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        onFailure.accept(f.cause());
                    }
                });
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2000);
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }
}
