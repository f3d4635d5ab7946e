package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.udp.ConnectRequest;
import dev.swarm.protocol.udp.UdpAnnounceRequest;
import dev.swarm.protocol.udp.UdpCodec;
import dev.swarm.protocol.udp.UdpRequest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which real clients send the passkey of a {@code udp://host:port/announce/<passkey>} URL (BEP 41 URL data), as
 * the README's table says: libtorrent does; aria2c and Transmission 3.00 send none. A small UDP responder on
 * loopback records what each client's announce carries (and refuses it), so the test sees the bytes themselves.
 */
@Timeout(120)
class UdpPasskeyClientsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path LT_SWARM = Path.of("src/test/resources/e2e/lt_swarm.py").toAbsolutePath();
    private static final String PASSKEY = "0123456789abcdef0123456789abcdef";
    /** The IANA dynamic port range, for clients that take a range instead of port 0. */
    private static final String EPHEMERAL_RANGE = "49152-65535";

    @TempDir
    Path dir;
    private DatagramSocket socket;
    private Thread responder;
    private final BlockingQueue<byte[]> urlData = new LinkedBlockingQueue<>();
    private Path torrent;

    @BeforeEach
    void start() throws Exception {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(200);
        responder = new Thread(this::respond, "udp-recorder");
        responder.start();
    }

    @AfterEach
    void stop() throws Exception {
        socket.close();
        responder.join(5000);
    }

    /** Answers connects, records each announce's URL data and answers it with an error. */
    private void respond() {
        byte[] buf = new byte[2048];
        ByteBuffer out = ByteBuffer.allocate(512);
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                UdpRequest r = UdpCodec.decode(ByteBuffer.wrap(buf, 0, p.getLength()));
                out.clear();
                int n;
                if (r instanceof ConnectRequest c) {
                    n = UdpCodec.writeConnect(out, c.transactionId(), 0x1234_5678_9abcL);
                } else if (r instanceof UdpAnnounceRequest a) {
                    urlData.add(a.urlData());
                    n = UdpCodec.writeError(out, a.transactionId(), "recorded", 512);
                } else {
                    continue;
                }
                socket.send(new DatagramPacket(out.array(), n, p.getSocketAddress()));
            } catch (SocketTimeoutException e) {
                // poll the closed flag
            } catch (Exception e) {
                if (!socket.isClosed()) {
                    urlData.add(("responder failed: " + e).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private void makeTorrent() throws Exception {
        String url = "udp://127.0.0.1:" + socket.getLocalPort() + "/announce/" + PASSKEY;
        Process make = new ProcessBuilder(PYTHON, LT_SWARM.toString(), "make", "--tracker", url, "--workdir",
                dir.resolve("t").toString()).redirectErrorStream(true).start();
        assertTrue(make.waitFor(30, TimeUnit.SECONDS) && make.exitValue() == 0);
        String line = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(line.startsWith("MADE "), line);
        torrent = Path.of(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** Runs the client until its first announce arrives (or 30 s pass) and returns that announce's URL data. */
    private String firstAnnounce(List<String> cmd) throws Exception {
        urlData.clear();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("client.log").toFile())
                .start();
        try {
            byte[] got = urlData.poll(30, TimeUnit.SECONDS);
            assertNotNull(got, "no announce from " + cmd.get(0) + ": " + Files.readString(dir.resolve("client.log")));
            return new String(got, StandardCharsets.ISO_8859_1);
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void libtorrentSendsThePasskeyAria2AndTransmissionDoNot() throws Exception {
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        RealClientTest.requireTool("aria2c", "--version");
        RealClientTest.requireTool("transmission-cli", "--version");
        makeTorrent();
        // Each client's own listen port is its choice: libtorrent port 0, aria2 a range, Transmission a random port.
        assertEquals("/announce/" + PASSKEY, firstAnnounce(List.of(PYTHON, "-c", """
                import libtorrent as lt, sys, time
                s = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False,
                                'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False})
                p = lt.add_torrent_params(); p.ti = lt.torrent_info(sys.argv[1]); p.save_path = sys.argv[2]
                s.add_torrent(p); time.sleep(40)
                """, torrent.toString(), dir.resolve("lt").toString())), "libtorrent 2.0");

        // aria2 talks to UDP trackers through its DHT socket, so DHT is on: no entry points, a fresh routing file.
        assertEquals("", firstAnnounce(List.of("aria2c", "--dir=" + dir.resolve("aria"), "--enable-dht=true",
                "--enable-dht6=false", "--dht-file-path=" + dir.resolve("dht.dat"), "--dht-listen-port=" + EPHEMERAL_RANGE,
                "--listen-port=" + EPHEMERAL_RANGE, "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--bt-stop-timeout=40", "--summary-interval=0", torrent.toString())), "aria2c");

        Path config = dir.resolve("transmission-config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("settings.json"), """
                {"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
                 "port-forwarding-enabled": false, "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
                 "peer-port-random-on-start": true, "peer-port-random-low": 49152, "peer-port-random-high": 65535}
                """);
        assertEquals("", firstAnnounce(List.of("transmission-cli", "-g", config.toString(), "-w",
                dir.resolve("tr").toString(), torrent.toString())), "Transmission 3.00");
    }
}
