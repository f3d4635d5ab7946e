package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.TexMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile peers against a real bridge on loopback: tracker URLs pointing into the operator's network are not
 * requested under the default configuration (and are when it allows private addresses, so the listeners below
 * do see requests when they get any), and one address holding many connections does not lock other peers out.
 */
@Timeout(60)
class PeerSafetyTest {
    static final String IH = "00000000000000000000000000000000000000cc";

    /** Counts TCP connections and UDP datagrams reaching it: a would-be victim inside the operator's network. */
    static final class Victim implements AutoCloseable {
        final ServerSocket tcp;
        final DatagramSocket udp;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger datagrams = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        Victim() throws IOException {
            tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                while (!tcp.isClosed()) {
                    try (Socket s = tcp.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[2048];
                while (!udp.isClosed()) {
                    try {
                        udp.receive(new DatagramPacket(buf, buf.length));
                        datagrams.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
        }

        String http() {
            return "http://127.0.0.1:" + tcp.getLocalPort() + "/announce";
        }

        String udp() {
            return "udp://127.0.0.1:" + udp.getLocalPort() + "/announce";
        }

        @Override
        public void close() throws Exception {
            tcp.close();
            udp.close();
            for (Thread t : threads) {
                t.join(5000);
            }
        }
    }

    private static Bridge bridge(boolean allowPrivate, String trusted, String extraConnections) throws Exception {
        Bridge b = Bridge.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                api: ""
                connections:
                  handshake-timeout: 5s
                %s
                trackers:
                  announce-timeout: 2s
                  min-interval: 1s
                  udp-bind: 127.0.0.1:0
                tex:
                  initial-delay: 0s
                  interval: 1s
                  allow-private-addresses: %s
                """.formatted(extraConnections, allowPrivate)));
        assertNull(b.addTorrent(TorrentInputs.line(IH + " " + trusted, "test")));
        return b;
    }

    private static long texReceived(Bridge b) {
        long n = 0;
        for (Object p : Bridges.peers(b, IH)) {
            n += ((PeerConnection.View) p).texReceived();
        }
        return n;
    }

    /** Feeds the bridge the victim's URLs over lt_tex; returns the bridge's learned trackers afterwards. */
    private static List<String> feed(Bridge b, Victim v) throws Exception {
        try (ScriptedPeer p = new ScriptedPeer(Bridges.address(b))) {
            p.handshake(HexFormat.of().parseHex(IH), "H", 5000);
            p.extensionHandshake(3);
            p.send(new PeerMessage.Extended(19, new TexMessage(List.of(v.http(), v.udp(),
                    "http://localhost:" + v.tcp.getLocalPort() + "/announce")).encode()));
            await("the lt_tex message is read", 10_000, () -> texReceived(b) == 1);
        }
        List<String> learned = new ArrayList<>();
        for (Object t : (List<?>) Bridges.torrent(b, IH).get("trackers")) {
            Map<?, ?> m = (Map<?, ?>) t;
            if ("learned".equals(m.get("origin"))) {
                learned.add((String) m.get("url"));
            }
        }
        return learned;
    }

    @Test
    void learnedTrackersOnLoopbackAreNeverRequestedByDefault() throws Exception {
        try (Victim v = new Victim(); Victim trusted = new Victim(); Bridge b = bridge(false, trusted.udp(), "")) {
            await("the trusted loopback tracker from the torrent is asked", 10_000, () -> trusted.datagrams.get() > 0);
            assertEquals(List.of(), feed(b, v), "nothing learned");
            // Learned candidates are due at once and ticks run every 250 ms: 3 s is twelve chances to send.
            long until = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < until) {
                assertEquals(0, v.connections.get() + v.datagrams.get(), "a request reached the victim");
                Thread.sleep(100);
            }
        }
    }

    @Test
    void theSameUrlsAreRequestedWhenPrivateAddressesAreAllowed() throws Exception {
        try (Victim v = new Victim(); Victim trusted = new Victim(); Bridge b = bridge(true, trusted.udp(), "")) {
            List<String> learned = feed(b, v);
            assertTrue(learned.containsAll(List.of(v.http(), v.udp())), learned.toString());
            await("both reach the listener", 10_000, () -> v.connections.get() > 0 && v.datagrams.get() > 0);
        }
    }

    @Test
    void thirtyKeptAliveConnectionsFromOneAddressDoNotLockOutAnother() throws Exception {
        try (Victim trusted = new Victim(); Bridge b = bridge(false, trusted.udp(), "  max-per-address: 4")) {
            byte[] ih = HexFormat.of().parseHex(IH);
            List<ScriptedPeer> flood = new ArrayList<>();
            try {
                int handshaken = 0;
                for (int i = 0; i < 30; i++) {
                    ScriptedPeer p = new ScriptedPeer(Bridges.address(b));
                    flood.add(p);
                    try {
                        p.handshake(ih, "F" + i, 2000);
                        p.send(new PeerMessage.KeepAlive());
                        handshaken++;
                    } catch (IOException e) {
                        // refused: closed without a handshake
                    }
                }
                assertEquals(4, handshaken, "one address gets max-per-address connections");
                try (ScriptedPeer other = new ScriptedPeer(Bridges.address(b),
                        new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
                    other.handshake(ih, "O", 5000);
                    assertNotNull(other.remoteHandshake, "a peer from another address is answered");
                    other.send(new PeerMessage.KeepAlive());
                    await("the other peer is connected", 5000, () -> Bridges.peers(b, IH).stream()
                            .anyMatch(x -> ((PeerConnection.View) x).address().startsWith("127.0.0.2:")));
                    assertFalse(other.closedBy(System.currentTimeMillis() + 300));
                }
            } finally {
                for (ScriptedPeer p : flood) {
                    p.close();
                }
            }
        }
    }
}
