package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.peerbridge.metadata.MetadataMessage;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.PeerConnection;
import dev.swarm.peerbridge.wire.ExtensionHandshake;
import dev.swarm.peerbridge.wire.PeerMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 9 and BEP 11 against python3-libtorrent 2.0 peers on loopback. The bridge is given a bare
 * magnet ({@code xt} only). A scripted peer offers the metadata first and sends blocks of the right
 * size but wrong content: the bridge drops it. Then a libtorrent seeder S connects: the bridge
 * fetches the two metadata pieces from it, verifies them against the info-hash, learns the piece
 * count and counts S as a seed by its bitfield; S's PEX tells it about leecher L, which it records
 * with origin pex and dials. A libtorrent session L2 that has only the bare magnet then connects to
 * the bridge: it gets the metadata from the bridge (ut_metadata answered) and learns S or L from the
 * bridge's PEX (libtorrent's pex source flag). A second bridge on the same metadata directory has
 * the metadata at once, with no peer.
 */
class MetadataAndPexTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void magnetMetadataFromLibtorrentAfterABadPeerAndPexBothWays() throws Exception {
        assumeLibtorrent();
        Path metadataDir = dir.resolve("metadata");
        String extra = "metadata:\n  dir: " + metadataDir + "\n  request-timeout: 5s\n";
        try (LtScript lt = new LtScript(dir)) {
            BlockingQueue<String> lines = lt.lines;
            AtomicReference<JsonNode> last = lt.last;
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("torrent "), "script output: " + first);
            String ih = first.split(" ")[1];
            int size = Integer.parseInt(first.split(" ")[2]);
            assertEquals(2, MetadataMessage.pieceCount(size), "the info dictionary spans two ut_metadata pieces");
            String magnet = "magnet:?xt=urn:btih:" + ih;

            try (Bridge bridge = Bridges.start(magnet, extra)) {
                assertEquals(-1, ((Number) Bridges.torrent(bridge, ih).get("pieceCount")).intValue());
                // 1. a scripted peer offers the metadata and answers with wrong blocks of the right size
                try (ScriptedPeer bad = new ScriptedPeer(Bridges.address(bridge))) {
                    bad.handshake(HexFormat.of().parseHex(ih), "bad", 5000);
                    bad.send(new PeerMessage.Extended(0, new ExtensionHandshake(Map.of("ut_metadata", 3), 7001, "scripted",
                            10, null, null, (long) size).encode()));
                    long deadline = System.currentTimeMillis() + 10_000;
                    Random rnd = new Random(5);
                    int answered = 0;
                    while (answered < 2) {
                        PeerMessage m = bad.next(deadline);
                        assertNotNull(m, "the bridge requests both metadata pieces from the scripted peer");
                        if (m instanceof PeerMessage.Extended e && e.extendedId() == 3) {
                            MetadataMessage req = MetadataMessage.decode(e.payload());
                            assertTrue(req instanceof MetadataMessage.Request, "request: " + req);
                            byte[] block = new byte[MetadataMessage.blockLength(size, req.piece())];
                            rnd.nextBytes(block);
                            bad.send(new PeerMessage.Extended(PeerConnection.UT_METADATA_ID,
                                    MetadataMessage.encode(new MetadataMessage.Data(req.piece(), size, block))));
                            answered++;
                        }
                    }
                    assertTrue(bad.closedBy(System.currentTimeMillis() + 5000),
                            "the bridge drops the peer whose metadata does not hash to the info-hash");
                }
                assertEquals(-1, ((Number) Bridges.torrent(bridge, ih).get("pieceCount")).intValue());

                // 2. the libtorrent seeder connects: metadata fetched and verified, S counted as a seed
                lt.send("go " + bridge.listenAddress().getPort());
                await("metadata verified and the libtorrent seeder counted as a seed", 60_000, () -> {
                    Map<String, Object> t = Bridges.torrent(bridge, ih);
                    return ((Number) t.get("pieceCount")).intValue() == 1280
                            && views(bridge, ih).stream().anyMatch(PeerConnection.View::seed);
                });
                @SuppressWarnings("unchecked")
                Map<String, Object> md = (Map<String, Object>) Bridges.torrent(bridge, ih).get("metadata");
                assertEquals("verified", md.get("state"));
                assertEquals(size, ((Number) md.get("size")).intValue());
                assertEquals("payload.bin", Bridges.torrent(bridge, ih).get("name"));
                assertTrue(Files.isRegularFile(metadataDir.resolve(ih + ".info")), "metadata kept under metadata.dir");

                // 3. S's PEX names L: a source of L is pex, and L is connected (either way: S's PEX
                // also names the bridge to L) and, an upload-mode leecher, not a seed
                await("leecher learned over PEX and connected", 60_000, () -> {
                    JsonNode s = last.get();
                    if (s == null) {
                        return false;
                    }
                    String l = "127.0.0.1:" + s.path("l_port").asInt();
                    Map<String, Object> o = origin(bridge, ih, l);
                    return o != null && ((List<?>) o.get("sources")).contains("pex") && views(bridge, ih).stream()
                            .anyMatch(v -> l.equals(v.listen()) && !v.seed());
                });
                assertTrue(views(bridge, ih).stream().anyMatch(v -> v.pexReceived() > 0), "PEX messages were read");
                assertEquals(2, views(bridge, ih).size(), "S and L, one connection each");

                // 4. L2 (bare magnet) connects to the bridge: metadata served, and it learns a peer over our PEX
                lt.send("join");
                await("L2 got the metadata from the bridge and a peer from its PEX", 60_000, () -> {
                    JsonNode s = last.get();
                    if (s == null || !s.path("l2_metadata").asBoolean()) {
                        return false;
                    }
                    for (JsonNode p : s.path("l2_peers")) {
                        if ((p.path("source").asInt() & 4) != 0) {
                            return true;
                        }
                    }
                    return false;
                });
                assertTrue(views(bridge, ih).stream().anyMatch(v -> v.pexSent() > 0), "PEX messages were sent");
            }

            // 5. a restart on the same metadata directory does not fetch again
            try (Bridge again = Bridges.start(magnet, extra)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> md = (Map<String, Object>) Bridges.torrent(again, ih).get("metadata");
                assertEquals("verified", md.get("state"));
                assertEquals(1280, ((Number) Bridges.torrent(again, ih).get("pieceCount")).intValue());
                assertEquals(0, views(again, ih).size());
            }
        }
    }

    /**
     * Magnet with a tracker: the bridge learns the libtorrent seeder and leecher from the tracker,
     * dials them, fetches the metadata and then counts the seeder as a seed by its bitfield.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void magnetWithTrackerCountsTheDialedSeederAsASeedAfterMetadata() throws Exception {
        assumeLibtorrent();
        try (MiniTracker tracker = new MiniTracker(); LtScript lt = new LtScript(dir, tracker.httpUrl())) {
            String first = lt.lines.poll(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("torrent "), "script output: " + first);
            String ih = first.split(" ")[1];
            lt.send("go 0");
            String url = tracker.httpUrl();
            byte[] raw = HexFormat.of().parseHex(ih);
            await("S and L announced to the tracker", 60_000, () -> tracker.swarmSize(raw) == 2);
            try (Bridge bridge = Bridges.start("magnet:?xt=urn:btih:" + ih + "&tr=" + url, "")) {
                await("the seeder, returned by the tracker, counted as a seed after metadata", 60_000, () -> {
                    JsonNode s = lt.last.get();
                    if (s == null || ((Number) Bridges.torrent(bridge, ih).get("pieceCount")).intValue() != 1280) {
                        return false;
                    }
                    String seeder = "127.0.0.1:" + s.path("s_port").asInt();
                    Map<String, Object> o = origin(bridge, ih, seeder);
                    // S may also have dialed us first (L's PEX names the bridge); either way it is one connection
                    return o != null && ((List<?>) o.get("sources")).contains(url)
                            && views(bridge, ih).stream().anyMatch(v -> v.seed() && seeder.equals(v.listen()));
                });
                assertEquals("verified", Bridges.status(bridge, ih, url));
            }
        }
    }

    private static void assumeLibtorrent() {
        boolean available = Files.isExecutable(LibtorrentInteropTest.PYTHON) && LibtorrentInteropTest.libtorrentAvailable();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(available, "python3-libtorrent not installed (scripts/test installs it)");
        }
        assumeTrue(available, "python3-libtorrent not installed");
    }

    /** libtorrent_magnet.py as a child process: its text lines, its latest JSON state, stdin commands. */
    private static final class LtScript implements AutoCloseable {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final AtomicReference<JsonNode> last = new AtomicReference<>();
        private final Process py;

        LtScript(Path dir, String... args) throws Exception {
            Path script = dir.resolve("libtorrent_magnet.py");
            if (!Files.exists(script)) {
                try (InputStream in = MetadataAndPexTest.class.getResourceAsStream("libtorrent_magnet.py")) {
                    Files.copy(in, script);
                }
            }
            Path work = Files.createTempDirectory(dir, "work");
            List<String> cmd = new java.util.ArrayList<>(List.of(LibtorrentInteropTest.PYTHON.toString(), script.toString(),
                    work.toString()));
            cmd.addAll(List.of(args));
            py = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ObjectMapper json = new ObjectMapper();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.startsWith("{")) {
                            last.set(json.readTree(l));
                        } else {
                            lines.add(l);
                        }
                    }
                } catch (java.io.IOException e) {
                    // process ended
                }
            }, "libtorrent-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String line) throws java.io.IOException {
            OutputStream stdin = py.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        @Override
        public void close() throws Exception {
            try {
                py.getOutputStream().close();
            } catch (java.io.IOException e) {
                // already gone
            }
            if (!py.waitFor(10, TimeUnit.SECONDS)) {
                py.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> origin(Bridge b, String ih, String address) {
        for (Object o : (List<Object>) Bridges.torrent(b, ih).get("peerOrigins")) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (address.equals(m.get("address"))) {
                return m;
            }
        }
        return null;
    }

    private static List<PeerConnection.View> views(Bridge b, String ih) {
        return Bridges.peers(b, ih).stream().map(o -> (PeerConnection.View) o).toList();
    }
}
