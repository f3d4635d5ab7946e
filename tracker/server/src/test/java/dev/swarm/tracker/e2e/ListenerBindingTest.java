package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners on port 0 report the ports they got; a taken port is a start failure that names the listener and the
 * address (and never says {@code null}); a UDP port held by another socket, even one with SO_REUSEPORT, is refused.
 */
class ListenerBindingTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] HASH = "listener-binding-01!".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private Tracker start(String http, String udp, String admin, String... more) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", http, "udp.listen", udp, "admin.listen", admin,
                "admin.token", AdminApiTest.TOKEN, "store.type", "heap", "store.data-dir", dir.toString()));
        for (int i = 0; i < more.length; i += 2) {
            o.put(more[i], more[i + 1]);
        }
        return Tracker.start(ConfigLoader.load(null, o), new MutableClock(1_800_000_000_000L), Metrics.NOOP);
    }

    private String startError(String http, String udp, String admin) {
        return assertThrows(Tracker.StartException.class, () -> start(http, udp, admin).close()).getMessage();
    }

    /** Sockets in the kernel's UDP table on {@code port}. */
    private static long socketsOnPort(int port) throws Exception {
        String suffix = String.format(":%04X", port);
        try (Stream<String> lines = Files.lines(Path.of("/proc/net/udp"))) {
            return lines.skip(1).map(l -> l.trim().split("\\s+")[1]).filter(local -> local.endsWith(suffix)).count();
        }
    }

    @Test
    void portZeroListenersReportTheirBoundAddresses() throws Exception {
        try (Tracker t = start("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0")) {
            InetSocketAddress http = t.httpAddress();
            InetSocketAddress udp = t.udpAddress();
            InetSocketAddress admin = t.adminAddress();
            assertNotEquals(0, http.getPort());
            assertNotEquals(0, udp.getPort());
            assertNotEquals(0, admin.getPort());
            assertEquals(LOOPBACK, http.getAddress());
            assertNotEquals(http.getPort(), admin.getPort());
            // Each reported address is the one that serves.
            assertNull(TestNet.getBencoded("http://127.0.0.1:" + http.getPort() + "/announce?info_hash="
                    + TestNet.percentEncode(HASH) + "&peer_id=-TT0001-000000000001&port=7001&uploaded=0&downloaded=0&left=0")
                    .get("failure reason"));
            assertEquals(401, AdminApiTest.call(admin.getPort(), "GET", "/users", null, null).status());
            try (UdpTestClient c = new UdpTestClient(udp, LOOPBACK)) {
                assertInstanceOf(AnnounceResponse.class, c.announce(HASH,
                        "-TT0001-000000000002".getBytes(StandardCharsets.ISO_8859_1), 0, 0, 0, AnnounceEvent.STARTED, 7002, null));
            }
        }
    }

    @Test
    void udpThreadsOnPortZeroShareTheOnePortTheKernelPicked() throws Exception {
        assumeTrue(Epoll.isAvailable() && Files.isReadable(Path.of("/proc/net/udp")), "needs epoll and /proc/net/udp");
        try (Tracker t = start("off", "127.0.0.1:0", "off", "udp.threads", "4")) {
            assertEquals(4, socketsOnPort(t.udpAddress().getPort()), "four SO_REUSEPORT sockets, one port");
        }
    }

    @Test
    void aSecondTrackerOnTheUdpPortIsRefusedAndTheFirstKeepsIt() throws Exception {
        try (Tracker first = start("off", "127.0.0.1:0", "off", "udp.threads", "2")) {
            int port = first.udpAddress().getPort();
            assertEquals("cannot listen on udp 127.0.0.1:" + port + ": address in use (another process holds it)",
                    startError("off", "127.0.0.1:" + port, "off"));
            if (Epoll.isAvailable()) {
                assertEquals(2, socketsOnPort(port), "the refused tracker left no socket behind");
            }
            try (UdpTestClient c = new UdpTestClient(first.udpAddress(), LOOPBACK)) {
                assertInstanceOf(AnnounceResponse.class, c.announce(HASH,
                        "-TT0001-000000000003".getBytes(StandardCharsets.ISO_8859_1), 0, 0, 0, AnnounceEvent.STARTED, 7003, null));
            }
        }
    }

    @Test
    void aForeignReusePortSocketOnTheUdpPortIsRefused() throws Exception {
        try (DatagramChannel foreign = DatagramChannel.open(StandardProtocolFamily.INET)) {
            foreign.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            foreign.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) foreign.getLocalAddress()).getPort();
            String error = startError("off", "127.0.0.1:" + port, "off");
            assertEquals("cannot listen on udp 127.0.0.1:" + port + ": address in use (another process holds it)", error);
        }
    }

    @Test
    void takenHttpAndAdminPortsNameTheirListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int port = taken.getLocalPort();
            String http = startError("127.0.0.1:" + port, "off", "off");
            assertEquals("cannot listen on http 127.0.0.1:" + port + ": address in use (another process holds it)", http);
            String admin = startError("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:" + port);
            assertEquals("cannot listen on admin 127.0.0.1:" + port + ": address in use (another process holds it)", admin);
            assertFalse(admin.contains("null"));
        }
    }

    @Test
    void anAddressOfNoInterfaceIsNamed() {
        // 192.0.2.1 (TEST-NET-1, RFC 5737) is on no interface here; binding it fails without sending anything.
        assertEquals("cannot listen on http 192.0.2.1:0: address not available (no interface of this host has it)",
                startError("192.0.2.1:0", "off", "off"));
    }
}
