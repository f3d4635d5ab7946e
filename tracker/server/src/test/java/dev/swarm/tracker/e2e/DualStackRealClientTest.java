package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.metrics.Metrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10 acceptance: one dual-stack tracker ({@code [::]}, HTTP and UDP on ports the kernel picks) serves python3-libtorrent 2.0.8
 * on IPv4 and on IPv6, over HTTP and over UDP. In each case a seeder and a leecher of that family (listening on
 * 127.0.0.1 or ::1, DHT, LSD, UPnP and NAT-PMP off) share a new file through the tracker; the leecher's peers came from
 * the tracker and are of its own family, and an announce from that family gets them in {@code peers} (IPv4, 6 bytes) or
 * {@code peers6} (IPv6, 18 bytes) while the other list stays empty. libtorrent's HTTP announces to
 * {@code http://[::1]:PORT} carry {@code Host: ::1:PORT}, which only reaches the tracker through HostRepairOpenListener.
 * When the sessions end, an HTTP 'stopped' removes them; over UDP libtorrent sends none (checked too).
 */
class DualStackRealClientTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/resources/e2e/lt_swarm.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Tracker tracker;
    private static int port;
    private static int udpPort;

    @BeforeAll
    static void start() throws Exception {
        RealClientTest.requireTool(PYTHON, "-c", "import libtorrent");
        tracker = Tracker.start(ConfigLoader.load(null, Map.of("http.listen", "[::]:0", "udp.listen", "[::]:0",
                "store.type", "heap")), InstantSource.system(), Metrics.NOOP);
        port = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (tracker != null) {
            tracker.close();
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"127.0.0.1, http", "127.0.0.1, udp", "::1, http", "::1, udp"})
    @Timeout(120)
    void libtorrentSharesAFileThroughTheDualStackTracker(String host, String transport) throws Exception {
        boolean v6 = host.contains(":");
        String url = transport + "://" + (v6 ? "[" + host + "]" : host) + ":" + (transport.equals("udp") ? udpPort : port)
                + "/announce";
        Path work = Files.createDirectories(dir.resolve((v6 ? "v6-" : "v4-") + transport));
        Process p = new ProcessBuilder(PYTHON, SCRIPT.toString(), "swarm", "--tracker", url, "--host", host,
                "--workdir", work.toString(), "--seed-port", "0", "--leech-port", "0", "--timeout", "45")
                .redirectError(work.resolve("swarm.err").toFile())
                .start();
        byte[] infoHash;
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("{"), "driver report: " + line + " / "
                    + Files.readString(work.resolve("swarm.err")));
            JsonNode r = JSON.readTree(line);
            assertTrue(r.get("seeded").asBoolean(), "seeder announced: " + r);
            assertTrue(r.get("finished").asBoolean(), "leecher finished: " + r);
            assertTrue(r.get("identical").asBoolean(), "downloaded file identical: " + r);
            assertEquals(0, r.get("tracker_errors").size(), "no tracker errors: " + r);
            assertTrue(r.get("completed_acknowledged").asBoolean(), "the completed announce was answered: " + r);
            // The leecher learned the seeder only from the tracker (no DHT, LSD or PEX partner) and dialled it.
            InetAddress family = InetAddress.getByName(host); // a literal: no lookup
            assertTrue(r.get("leecher_dialled").size() >= 1, "the leecher dialled the seeder: " + r);
            for (JsonNode endpoint : r.get("leecher_dialled")) {
                assertEquals(family, InetAddress.getByName(endpoint.get(0).asText()), "a peer of its own family: " + r);
            }
            // Connections sampled during the download (when it lasted long enough) are of that family too. Their
            // source flags are not checked: libtorrent may report 0 while a connection is being set up.
            for (JsonNode peer : r.get("leecher_peers")) {
                assertEquals(family, InetAddress.getByName(peer.get("ip").asText()), "a peer of its own family: " + r);
            }
            assertEquals(2, r.get("scrape").get("complete").asInt(), "libtorrent's own scrape: " + r);

            // The tracker's view from the same family: both libtorrent sessions in the compact list of that family only.
            infoHash = HexFormat.of().parseHex(r.get("info_hash").asText());
            BDict answer = announce(family, infoHash);
            assertNull(answer.get("failure reason"), answer.toString());
            byte[] own = answer.bytes(v6 ? "peers6" : "peers");
            assertEquals(2 * (v6 ? 18 : 6), own.length, answer.toString());
            for (int at = 0; at < own.length; at += v6 ? 18 : 6) {
                assertArrayEquals(family.getAddress(), Arrays.copyOfRange(own, at, at + (v6 ? 16 : 4)));
            }
            if (v6) {
                assertArrayEquals(new byte[0], answer.bytes("peers"), "no IPv4 peers for an IPv6 client");
            } else {
                assertNull(answer.get("peers6"), "no IPv6 peers for an IPv4 client");
            }
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        // Closing stdin ends both sessions. Over HTTP libtorrent 2.0.8 announces 'stopped' (with its real port) and both
        // leave the swarm. Over UDP it sends no 'stopped' when a session ends (its UDP socket closes first; it does send
        // one on remove_torrent), so both stay listed until announce.peer-timeout: what operators will see.
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("swarm.err")));
        InetAddress family = InetAddress.getByName(host);
        BDict files = (BDict) get(family, "/scrape?info_hash=" + TestNet.percentEncode(infoHash)).get("files");
        BDict counts = files.dict(new String(infoHash, StandardCharsets.ISO_8859_1));
        assertEquals(transport.equals("http") ? 0L : 2L, counts.integer("complete"), transport + ": " + counts);
        assertEquals(1L, counts.integer("incomplete"), "our own announce (left=1) is still there: " + counts);
    }

    /** A compact HTTP announce from {@code family}'s loopback address, as a third peer (a leecher, so that it is sent seeders) of the torrent. */
    private static BDict announce(InetAddress family, byte[] infoHash) throws Exception {
        return get(family, "/announce?info_hash=" + TestNet.percentEncode(infoHash) + "&peer_id=-XX0001-dualstackxyz"
                + "&port=6999&uploaded=0&downloaded=0&left=1&numwant=50");
    }

    /** A GET to the tracker from {@code family}'s loopback address; the bdecoded body of its 200 answer. */
    private static BDict get(InetAddress family, String path) throws Exception {
        String host = family.getAddress().length == 16 ? "[::1]" : "127.0.0.1";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(family, port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200"), text);
            int body = text.indexOf("\r\n\r\n") + 4;
            return (BDict) Bencode.decode(Arrays.copyOfRange(all, body, all.length), BencodeLimits.DEFAULT);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " from " + family + " failed", e);
        }
    }
}
