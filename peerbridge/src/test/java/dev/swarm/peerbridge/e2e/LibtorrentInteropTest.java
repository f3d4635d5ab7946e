package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A python3-libtorrent 2.0 seeder and leecher (Debian's, /usr/bin/python3) in one swarm with the
 * bridge: both complete the BEP 3 handshake and the BEP 10 extension handshake with it, stay
 * connected, are counted (the seed as a seed from its bitfield), and the leecher's download
 * finishes undisturbed. The bridge reads the .torrent libtorrent wrote, so its info-hash (SHA-1 of
 * the raw info bytes) is checked against libtorrent's too.
 */
class LibtorrentInteropTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    static boolean libtorrentAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import libtorrent").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void libtorrentSeederAndLeecherHandshakeStayConnectedAndFinish() throws Exception {
        boolean available = Files.isExecutable(PYTHON) && libtorrentAvailable();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(available, "python3-libtorrent not installed (scripts/test installs it)");
        }
        assumeTrue(available, "python3-libtorrent not installed");
        Path script = dir.resolve("libtorrent_swarm.py");
        try (InputStream in = getClass().getResourceAsStream("libtorrent_swarm.py")) {
            Files.copy(in, script);
        }
        try (MiniTracker tracker = new MiniTracker(); Bridge bridge = Bridges.start(null, "")) {
            Process py = new ProcessBuilder(PYTHON.toString(), script.toString(), dir.toString(), tracker.httpUrl())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            lines.add(l);
                        }
                    } catch (java.io.IOException e) {
                        // process ended
                    }
                }, "libtorrent-stdout");
                reader.setDaemon(true);
                reader.start();
                String first = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(first != null && first.startsWith("torrent "), "script output: " + first);
                String[] parts = first.split(" ");
                TorrentSpec spec = TorrentInputs.torrentFile(Path.of(parts[1]));
                assertEquals(parts[2], spec.infoHash().toHex(), "info-hash over the raw info bytes matches libtorrent's");
                assertEquals(null, bridge.addTorrent(spec));
                String ih = spec.infoHash().toHex();
                OutputStream stdin = py.getOutputStream();
                stdin.write(("go " + bridge.listenAddress().getPort() + "\n").getBytes(StandardCharsets.US_ASCII));
                stdin.flush();

                await("two libtorrent peers with the extension handshake done, one a seed", 30_000, () -> {
                    List<PeerConnection.View> v = views(bridge, ih);
                    return v.size() == 2 && v.stream().allMatch(PeerConnection.View::extensions)
                            && v.stream().anyMatch(PeerConnection.View::seed);
                });
                for (PeerConnection.View v : views(bridge, ih)) {
                    assertTrue(v.client() != null && v.client().startsWith("libtorrent"), "client " + v.client());
                    assertTrue(v.peerId().startsWith("-LT20"), "peer id " + v.peerId());
                }

                ObjectMapper json = new ObjectMapper();
                long deadline = System.currentTimeMillis() + 60_000;
                JsonNode state = null;
                while (System.currentTimeMillis() < deadline) {
                    String l = lines.poll(5, TimeUnit.SECONDS);
                    if (l == null) {
                        continue;
                    }
                    state = json.readTree(l);
                    if (state.path("finished").asBoolean()) {
                        break;
                    }
                }
                assertTrue(state != null && state.path("finished").asBoolean(), "leecher finished: " + state);

                long stayUntil = System.currentTimeMillis() + 5_000;
                while (System.currentTimeMillis() < stayUntil) {
                    String l = lines.poll(5, TimeUnit.SECONDS);
                    if (l != null) {
                        state = json.readTree(l);
                    }
                }
                List<PeerConnection.View> after = views(bridge, ih);
                assertEquals(2, after.size(), "both libtorrent peers still connected after the download: " + after);
                assertTrue(after.stream().allMatch(v -> v.connectedMillis() >= 5_000));
                assertTrue(after.stream().allMatch(PeerConnection.View::seed), "the finished leecher is now complete too");
                int port = bridge.listenAddress().getPort();
                JsonNode s = state;
                assertTrue(bridgeSeen(s.path("seed_peers"), port) || bridgeSeen(s.path("leech_peers"), port),
                        "libtorrent lists the bridge among its peers: " + s);
            } finally {
                py.getOutputStream().close();
                if (!py.waitFor(10, TimeUnit.SECONDS)) {
                    py.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static boolean bridgeSeen(JsonNode peers, int port) {
        for (JsonNode p : peers) {
            if (p.path("client").asText().startsWith("peerbridge") || p.path("port").asInt() == port) {
                return true;
            }
        }
        return false;
    }

    private static List<PeerConnection.View> views(Bridge b, String ih) {
        return Bridges.peers(b, ih).stream().map(o -> (PeerConnection.View) o).toList();
    }
}
