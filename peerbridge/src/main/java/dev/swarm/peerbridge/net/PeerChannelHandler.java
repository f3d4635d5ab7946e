package dev.swarm.peerbridge.net;

import dev.swarm.peerbridge.session.PeerTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The thin Netty adapter for one peer connection: accumulates inbound bytes in a buffer bounded by
 * the largest frame (so a peer can never make it grow past {@code maxBuffered}), hands them to the
 * owner, and closes the channel on any error. The wire format lives in {@code wire}, the logic in
 * {@code session}.
 */
public final class PeerChannelHandler extends ChannelInboundHandlerAdapter implements PeerTransport {
    private final Function<PeerTransport, ChannelEvents> owner;
    private final int maxBuffered;
    private ChannelEvents events;
    private Channel channel;
    private ByteBuf cumulation;

    /**
     * @param maxBuffered largest number of unconsumed bytes kept: the largest frame plus its header
     *                    (or the 68-byte handshake)
     */
    public PeerChannelHandler(Function<PeerTransport, ChannelEvents> owner, int maxBuffered) {
        this.owner = owner;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        cumulation = Unpooled.buffer(4096, maxBuffered);
        events = owner.apply(this);
        events.onOpen();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && channel.isOpen()) {
                int n = Math.min(in.readableBytes(), cumulation.maxWritableBytes());
                if (n == 0) {
                    ctx.close();
                    return;
                }
                cumulation.writeBytes(in, n);
                ByteBuffer view = cumulation.nioBuffer();
                events.onBytes(view);
                cumulation.skipBytes(view.position());
                cumulation.discardReadBytes();
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (events != null) {
            events.onClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void send(byte[] bytes) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public InetSocketAddress remote() {
        return (InetSocketAddress) channel.remoteAddress();
    }
}
