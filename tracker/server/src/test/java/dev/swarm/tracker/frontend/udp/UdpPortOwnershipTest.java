package dev.swarm.tracker.frontend.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two halves of the UDP port guard on real sockets: the probe bind fails on a port held by anyone (with or without
 * SO_REUSEPORT), and a socket that joined with SO_REUSEPORT after the probe is found in {@code /proc/net/udp}.
 */
class UdpPortOwnershipTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private EventLoopGroup group;

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT sharing and /proc/net/udp are Linux's");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** An epoll socket bound with SO_REUSEPORT, as UdpFrontend binds its own. */
    private Channel reusePort(InetSocketAddress at) throws Exception {
        return new Bootstrap().group(group)
                .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(at).sync().channel();
    }

    private static long inode(Channel c) throws Exception {
        return UdpPortOwnership.inode(((EpollDatagramChannel) c).fd().intValue());
    }

    @Test
    void theKernelsHexAddressesAreRead() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the golden lines are from a little-endian host");
        UdpPortOwnership.Entry v4 = UdpPortOwnership.parse(" 4572: 0100007F:E4A2 00000000:0000 07 00000000:00000000"
                + " 00:00000000 00000000     0        0 25861 2 00000000667fee99 0");
        assertEquals(new InetSocketAddress("127.0.0.1", 58530), v4.local());
        assertEquals(25861, v4.inode());
        UdpPortOwnership.Entry v6 = UdpPortOwnership.parse("  117: 00000000000000000000000001000000:1B39"
                + " 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 991 2"
                + " 0000000000000000 0");
        assertEquals(new InetSocketAddress("::1", 6969), v6.local());
        assertEquals(991, v6.inode());
        UdpPortOwnership.Entry mapped = UdpPortOwnership.parse("  1: 0000000000000000FFFF00000100007F:1B39"
                + " 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 5 2 0 0");
        assertEquals(6969, mapped.local().getPort());
        assertTrue(UdpPortOwnership.overlaps(mapped.local().getAddress(), LOOPBACK), "::ffff:127.0.0.1 is 127.0.0.1");
        assertNull(UdpPortOwnership.parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"));
        assertNull(UdpPortOwnership.parse("  1: 0100007F:ZZZZ 00000000:0000 07 0:0 0:0 0 0 0 1 2 0 0"));
    }

    @Test
    void theProbeFailsOnAPortHeldWithOrWithoutReusePort() throws Exception {
        try (DatagramChannel shared = DatagramChannel.open(StandardProtocolFamily.INET)) {
            shared.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            shared.bind(new InetSocketAddress(LOOPBACK, 0));
            InetSocketAddress held = (InetSocketAddress) shared.getLocalAddress();
            assertThrows(BindException.class, () -> UdpPortOwnership.probe(held));
        }
        try (DatagramChannel plain = DatagramChannel.open(StandardProtocolFamily.INET)) {
            plain.bind(new InetSocketAddress(LOOPBACK, 0));
            InetSocketAddress held = (InetSocketAddress) plain.getLocalAddress();
            assertThrows(BindException.class, () -> UdpPortOwnership.probe(held));
        }
        InetSocketAddress picked = UdpPortOwnership.probe(new InetSocketAddress(LOOPBACK, 0));
        assertNotEquals(0, picked.getPort(), "port 0: the probe picks the port");
        assertEquals(LOOPBACK, picked.getAddress());
    }

    @Test
    void aSocketThatJoinedWithReusePortIsForeign() throws Exception {
        Channel ours = reusePort(new InetSocketAddress(LOOPBACK, 0));
        InetSocketAddress at = (InetSocketAddress) ours.localAddress();
        Channel joiner = reusePort(at);
        Channel elsewhere = reusePort(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), at.getPort()));
        try {
            List<UdpPortOwnership.Entry> foreign = UdpPortOwnership.foreignSockets(at, Set.of(inode(ours)));
            assertEquals(1, foreign.size(), foreign.toString());
            assertEquals(inode(joiner), foreign.get(0).inode());
            assertEquals(at, foreign.get(0).local());
            assertEquals(List.of(), UdpPortOwnership.foreignSockets(at, Set.of(inode(ours), inode(joiner))),
                    "all ours; 127.0.0.2 on the same port receives nothing of ours");
        } finally {
            ours.close().sync();
            joiner.close().sync();
            elsewhere.close().sync();
        }
    }

    @Test
    void addressesOverlapWhenTheyMatchOrOneIsAWildcard() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v4Other = InetAddress.getByName("127.0.0.2");
        InetAddress any4 = InetAddress.getByName("0.0.0.0");
        InetAddress any6 = InetAddress.getByName("::");
        InetAddress v6 = InetAddress.getByName("::1");
        assertTrue(UdpPortOwnership.overlaps(v4, v4));
        assertFalse(UdpPortOwnership.overlaps(v4Other, v4));
        assertTrue(UdpPortOwnership.overlaps(any4, v4), "a wildcard holder");
        assertTrue(UdpPortOwnership.overlaps(v4, any4), "we are the wildcard");
        assertTrue(UdpPortOwnership.overlaps(v4, any6), "our [::] is dual stack");
        assertTrue(UdpPortOwnership.overlaps(any6, v6));
        assertFalse(UdpPortOwnership.overlaps(v6, v4));
        assertFalse(UdpPortOwnership.overlaps(any6, v4), "IPV6_V6ONLY is not visible; the probe covers this case");
    }
}
