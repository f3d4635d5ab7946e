package dev.swarm.peerbridge.e2e;

import static dev.swarm.peerbridge.e2e.Bridges.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.MagnetLink;
import dev.swarm.peerbridge.torrent.Metainfo;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.trackers.AnnounceRequest;
import dev.swarm.peerbridge.trackers.AnnounceResult;
import dev.swarm.peerbridge.trackers.HttpAnnouncer;
import dev.swarm.peerbridge.web.WebServer;
import dev.swarm.protocol.AnnounceEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's web address over plain HTTP on loopback, with two of this project's trackers in-process (one with five
 * more peers, so it ranks first): the published lists ({@code /trackers.txt} with its filters, {@code /api/trackers},
 * the magnet and the rewritten .torrent, re-hashed), the JSON API (status, ranking, health, dashboard, adding a
 * torrent), the dashboard's files, and the 4xx answers to bad requests.
 */
@Timeout(120)
class WebApiTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static BridgeConfig fastConfig() throws Exception {
        return fastConfig("");
    }

    static BridgeConfig fastConfig(String extraYaml) throws Exception {
        return ConfigLoader.parse("data-dir: \"" + Bridges.dataDir() + "\"\n" + """
                listen: 127.0.0.1:0
                api: ""
                connections:
                  redial-delay: 1s
                trackers:
                  announce-timeout: 2s
                  min-interval: 1s
                  max-interval: 1s
                  udp-bind: 127.0.0.1:0
                health:
                  probe-interval: 1s
                """ + extraYaml);
    }

    /**
     * A .torrent whose info dictionary is valid bencode but not canonical (keys out of order): re-encoding it would
     * change the info-hash, so only a byte-for-byte copy keeps it. Two 16 KiB pieces; {@code comment} set.
     */
    static byte[] torrentFile(List<List<String>> tiers, String name) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(("d4:name" + name.length() + ":" + name + "6:lengthi32768e12:piece lengthi16384e6:pieces40:")
                .getBytes(StandardCharsets.ISO_8859_1));
        info.writeBytes(new byte[40]);
        info.write('e');
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(("d8:announce" + tiers.get(0).get(0).length() + ":" + tiers.get(0).get(0) + "13:announce-listl")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (List<String> tier : tiers) {
            f.write('l');
            for (String u : tier) {
                f.writeBytes((u.length() + ":" + u).getBytes(StandardCharsets.ISO_8859_1));
            }
            f.write('e');
        }
        f.writeBytes("e7:comment9:keep this4:info".getBytes(StandardCharsets.ISO_8859_1));
        f.writeBytes(info.toByteArray());
        f.write('e');
        return f.toByteArray();
    }

    static byte[] infoBytes(byte[] torrent) {
        String s = new String(torrent, StandardCharsets.ISO_8859_1);
        int start = s.indexOf("4:infod") + 6;
        return java.util.Arrays.copyOfRange(torrent, start, torrent.length - 1);
    }

    static HttpResponse<String> get(WebServer web, String path) throws Exception {
        return send(web, "GET", path, null);
    }

    static HttpResponse<String> send(WebServer web, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> getBytes(WebServer web, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.address().getPort() + path))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void assertJsonError(HttpResponse<String> r, int status, String fragment) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        String error = JSON.readTree(r.body()).path("error").asText();
        assertTrue(error.contains(fragment), "error '" + error + "' should say '" + fragment + "'");
        assertFalse(error.contains("\n") || error.contains("Exception"), "one line, no stack trace: " + error);
    }

    /** {@link Bridges#await}, the failure showing the last value seen. */
    static void awaitShowing(String[] last, String what, long timeoutMillis, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        try {
            await(what, timeoutMillis, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + last[0], e);
        }
    }

    @Test
    void listsApiAndDashboardFilesFromARealRun() throws Exception {
        try (InProcessTracker t1 = InProcessTracker.fastAnnounces(dir.resolve("t1"));
                InProcessTracker t2 = InProcessTracker.fastAnnounces(dir.resolve("t2"))) {
            String u1 = t1.httpUrl();
            String u2 = t2.httpUrl();
            // the torrent lists T2 first; T1 gets five more peers, so the ranking puts it first
            byte[] file = torrentFile(List.of(List.of(u2), List.of(u1)), "web-test");
            TorrentSpec spec = Metainfo.parse(file, "test.torrent");
            String ih = spec.infoHash().toHex();
            try (HttpAnnouncer announcer = new HttpAnnouncer(Duration.ofSeconds(5), 8)) {
                for (int i = 0; i < 5; i++) {
                    AnnounceResult r = announcer.announce(u1, new AnnounceRequest(spec.infoHash().bytes(),
                            ScriptedPeer.peerId("W" + i), 21_000 + i, 1, AnnounceEvent.STARTED, 50, i)).get(10, TimeUnit.SECONDS);
                    assertTrue(r instanceof AnnounceResult.Success, "seeding T1: " + r);
                }
            }
            try (Bridge bridge = Bridge.start(fastConfig());
                    WebServer web = new WebServer(bridge, new InetSocketAddress("127.0.0.1", 0),
                            new WebServer.Settings(Duration.ofHours(1), 10), System::currentTimeMillis)) {
                assertEquals("idle", JSON.readTree(get(web, "/api/health").body()).path("status").asText());
                assertEquals(null, bridge.addTorrent(spec));
                await("both trackers working, T1 ranked first with its 5 peers", 30_000, () -> {
                    try {
                        JsonNode a = JSON.readTree(get(web, "/api/trackers").body());
                        return a.size() == 2 && a.get(0).path("url").asText().equals(u1)
                                && a.get(0).path("distinctPeers").asInt() >= 5 && a.get(1).path("status").asText().equals("working");
                    } catch (Exception e) {
                        return false;
                    }
                });

                HttpResponse<String> health = get(web, "/api/health");
                assertEquals(200, health.statusCode(), health.body());
                JsonNode h = JSON.readTree(health.body());
                assertEquals("ok", h.path("status").asText());
                assertTrue(h.path("listening").asBoolean());
                assertEquals(1, h.path("torrentsWorking").asInt());

                // trackers.txt: best first, blank line between, filters
                HttpResponse<String> txt = get(web, "/trackers.txt");
                assertEquals(200, txt.statusCode());
                assertTrue(txt.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                assertEquals(u1 + "\n\n" + u2 + "\n\n", txt.body());
                assertEquals(txt.body(), get(web, "/trackers.txt?proto=http&family=4&min_uptime=95").body());
                assertEquals("", get(web, "/trackers.txt?proto=udp").body(), "no UDP tracker in this run");
                assertEquals("", get(web, "/trackers.txt?family=6").body(), "127.0.0.1 is an IPv4 literal");
                assertEquals("", get(web, "/trackers.txt?proto=https").body());
                for (String[] bad : new String[][] {{"min_uptime=abc", "min_uptime"}, {"min_uptime=101", "min_uptime"},
                        {"proto=ftp", "proto"}, {"family=5", "family"}, {"colour=red", "unknown parameter 'colour'"},
                        {"proto=udp&proto=http", "given 2 times"}}) {
                    HttpResponse<String> r = get(web, "/trackers.txt?" + bad[0]);
                    assertEquals(400, r.statusCode(), bad[0]);
                    assertTrue(r.body().contains(bad[1]) && r.body().strip().lines().count() == 1, bad[0] + " -> " + r.body());
                }

                // /api/trackers: newTrackon-like rows
                JsonNode first = JSON.readTree(get(web, "/api/trackers").body()).get(0);
                assertEquals(1, first.path("rank").asInt());
                assertEquals(100.0, first.path("uptime").asDouble());
                assertEquals("http", first.path("proto").asText());
                assertEquals("[\"4\"]", first.path("families").toString());
                assertNotNull(first.get("uptime24h"));
                assertNotNull(first.get("latencyP50Millis"));
                assertEquals("torrent", first.path("origin").asText());
                assertTrue(first.path("latencyMillis").asLong() >= 0);
                assertTrue(first.path("successes").asLong() >= 1 && first.path("attempts").asLong() >= first.path("successes").asLong());

                // the magnet: same info-hash, name, the ranked tr list
                HttpResponse<String> magnet = get(web, "/torrents/" + ih + "/magnet");
                assertEquals(200, magnet.statusCode(), magnet.body());
                TorrentSpec m = MagnetLink.parse(magnet.body().strip());
                assertEquals(spec.infoHash(), m.infoHash());
                assertEquals("web-test", m.name());
                assertEquals(List.of(List.of(u1, u2)), m.tiers());

                // the .torrent: the same info bytes and info-hash, announce = best, announce-list tiered by rank
                HttpResponse<byte[]> tf = getBytes(web, "/torrents/" + ih.toUpperCase() + ".torrent");
                assertEquals(200, tf.statusCode());
                assertEquals("application/x-bittorrent", tf.headers().firstValue("Content-Type").orElse(""));
                byte[] rewritten = tf.body();
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(infoBytes(file))),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(infoBytes(rewritten))),
                        "the info dictionary is copied byte for byte");
                TorrentSpec again = Metainfo.parse(rewritten, "rewritten");
                assertEquals(spec.infoHash(), again.infoHash());
                assertEquals(List.of(List.of(u1), List.of(u2)), again.tiers());
                String text = new String(rewritten, StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("d8:announce" + u1.length() + ":" + u1 + "13:announce-list"), text);
                assertTrue(text.contains("7:comment9:keep this"), "other keys kept: " + text);

                // the JSON API keeps its paths and fields
                JsonNode status = JSON.readTree(get(web, "/api/status").body());
                assertNotNull(status.get("peerId"));
                assertEquals(ih, status.path("torrents").get(0).path("infoHash").asText());
                assertEquals(2, status.path("torrents").get(0).path("trackers").size());
                assertEquals(u1, JSON.readTree(get(web, "/api/ranking").body()).path("overall").get(0).path("url").asText());

                // adding a torrent: a magnet (no metadata, so no .torrent), a duplicate, garbage
                String ih2 = "00112233445566778899aabbccddeeff00112233";
                HttpResponse<String> added = send(web, "POST", "/api/torrents", "magnet:?xt=urn:btih:" + ih2 + "&tr="
                        + java.net.URLEncoder.encode(u2, StandardCharsets.UTF_8));
                assertEquals(201, added.statusCode(), added.body());
                assertEquals(ih2, JSON.readTree(added.body()).path("infoHash").asText());
                assertJsonError(send(web, "POST", "/api/torrents", "magnet:?xt=urn:btih:" + ih2), 409, "already added");
                assertJsonError(send(web, "POST", "/api/torrents", "not a torrent"), 400, "");
                HttpResponse<String> crossSite = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + web.address().getPort() + "/api/torrents")).header("Origin", "http://evil.example")
                        .POST(HttpRequest.BodyPublishers.ofString("magnet:?xt=urn:btih:" + "ab".repeat(20)))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                assertJsonError(crossSite, 403, "cross-origin request refused");
                assertFalse(get(web, "/api/status").body().contains("ab".repeat(20)), "nothing added from another origin");
                assertJsonError(send(web, "POST", "/api/torrents", ""), 400, "empty body");
                assertJsonError(get(web, "/torrents/" + ih2 + ".torrent"), 404, "metadata is not known yet");
                assertEquals(200, get(web, "/torrents/" + ih2 + "/magnet").statusCode());
                assertJsonError(get(web, "/torrents/ffffffffffffffffffffffffffffffffffffffff.torrent"), 404, "no torrent");
                HttpResponse<String> removed = send(web, "DELETE", "/api/torrents/" + ih2, null);
                assertEquals(200, removed.statusCode(), removed.body());
                assertTrue(JSON.readTree(removed.body()).path("removed").asBoolean());
                assertJsonError(get(web, "/torrents/" + ih2 + "/magnet"), 404, "no torrent " + ih2);
                assertJsonError(send(web, "DELETE", "/api/torrents/" + ih2, null), 404, "no torrent " + ih2);
                assertJsonError(send(web, "DELETE", "/api/torrents/nothex", null), 400, "not an info-hash");
                assertJsonError(get(web, "/torrents/xyz/magnet"), 400, "not an info-hash");
                assertJsonError(get(web, "/torrents/" + ih), 404, "not found");
                assertJsonError(get(web, "/nowhere"), 404, "not found");
                assertJsonError(send(web, "POST", "/trackers.txt", "x"), 405, "POST not allowed");
                assertJsonError(send(web, "DELETE", "/api/status", null), 405, "not allowed");

                // a private torrent (BEP 27): its tracker URL (with a passkey) is never published
                String secret = u2 + "?passkey=0123456789abcdef";
                byte[] privateFile = torrentFile(List.of(List.of(secret)), "private-one");
                privateFile = new String(privateFile, StandardCharsets.ISO_8859_1)
                        .replace("6:pieces40:", "7:privatei1e6:pieces40:").getBytes(StandardCharsets.ISO_8859_1);
                TorrentSpec priv = Metainfo.parse(privateFile, "private.torrent");
                assertTrue(priv.isPrivate());
                assertEquals(null, bridge.addTorrent(priv));
                String ihp = priv.infoHash().toHex();
                await("the private torrent's tracker verified", 20_000, () -> "verified".equals(Bridges.status(bridge, ihp, secret)));
                assertFalse(get(web, "/trackers.txt").body().contains("passkey"));
                assertFalse(get(web, "/api/trackers").body().contains("passkey"));
                assertJsonError(get(web, "/torrents/" + ihp + "/magnet"), 404, "private");
                assertJsonError(get(web, "/torrents/" + ihp + ".torrent"), 404, "private");
                assertTrue(get(web, "/api/dashboard").body().contains(ihp), "the dashboard still shows the private torrent");

                // the dashboard's page and files come from the jar
                HttpResponse<String> page = get(web, "/");
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("/assets/uplot/uPlot.iife.min.js") && page.body().contains("/assets/app/app.js"));
                assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
                HttpResponse<byte[]> uplot = getBytes(web, "/assets/uplot/uPlot.iife.min.js");
                assertEquals(200, uplot.statusCode());
                assertTrue(new String(uplot.body(), StandardCharsets.UTF_8).contains("uPlot"));
                assertEquals(200, get(web, "/assets/uplot/uPlot.min.css").statusCode());
                assertEquals(200, get(web, "/assets/app/app.js").statusCode());
                assertEquals(404, get(web, "/assets/app/nothing.js").statusCode());

                // the dashboard's data: history per tracker (one point per announce), samples per torrent
                String[] last = new String[1];
                awaitShowing(last, "a few announces, probes and samples in the dashboard", 20_000, () -> {
                    try {
                        last[0] = get(web, "/api/dashboard").body();
                        JsonNode d = JSON.readTree(last[0]);
                        JsonNode tr = d.path("trackers").get(0);
                        JsonNode to = d.path("torrents").get(0);
                        return tr.path("history").get(0).size() >= 3 && to.path("history").get(0).size() >= 3
                                && tr.path("log").size() >= 3 && !to.path("figures").isNull();
                    } catch (Exception e) {
                        return false;
                    }
                });
                JsonNode d = JSON.readTree(get(web, "/api/dashboard").body());
                JsonNode tr = d.path("trackers").get(0);
                assertEquals(u1, tr.path("tracker").path("url").asText());
                assertEquals(5, tr.path("history").size(), "times, latency, uptime, seeders, leechers");
                for (JsonNode column : tr.path("history")) {
                    assertEquals(tr.path("history").get(0).size(), column.size());
                }
                boolean counted = false;
                for (JsonNode log : tr.path("log")) {
                    assertTrue(log.path("ok").asBoolean(), log.toString());
                    counted |= log.path("leechers").isNumber() && log.path("leechers").asLong() >= 5;
                }
                assertTrue(counted, "the response log has the tracker's own counts (5 scripted leechers): " + tr.path("log"));
                JsonNode to = d.path("torrents").get(0);
                assertEquals(ih, to.path("infoHash").asText());
                assertEquals(5, to.path("history").size(), "times, seeds, leechers, peers, availability");
                assertEquals(0, to.path("figures").path("peersConnected").asInt());
                assertEquals(400, get(web, "/api/dashboard?span=0").statusCode());
                assertEquals(400, get(web, "/api/dashboard?span=x").statusCode());
                assertEquals(200, get(web, "/api/dashboard?span=86400").statusCode());
                assertEquals("/torrents/" + ih + ".torrent", to.path("torrent").asText());
            }
        }
    }

    @Test
    void aMagnetWhoseMetadataIsKnownGetsATorrentAroundTheVerifiedInfoDictionary() throws Exception {
        Path metadataDir = dir.resolve("metadata");
        java.nio.file.Files.createDirectories(metadataDir);
        String tracker = "http://127.0.0.1:9/announce";
        byte[] file = torrentFile(List.of(List.of(tracker)), "from-metadata");
        TorrentSpec spec = Metainfo.parse(file, "f.torrent");
        // the metadata store holds the verified info dictionary, as after a ut_metadata fetch and a restart
        dev.swarm.peerbridge.metadata.MetadataStore.save(metadataDir, spec.infoHash(), infoBytes(file));
        try (Bridge bridge = Bridge.start(fastConfig("metadata:\n  dir: \"" + metadataDir + "\"\n"));
                WebServer web = new WebServer(bridge, new InetSocketAddress("127.0.0.1", 0))) {
            String ih = spec.infoHash().toHex();
            HttpResponse<String> added = send(web, "POST", "/api/torrents", "magnet:?xt=urn:btih:" + ih + "&tr="
                    + java.net.URLEncoder.encode(tracker, StandardCharsets.UTF_8));
            assertEquals(201, added.statusCode(), added.body());
            HttpResponse<byte[]> tf = getBytes(web, "/torrents/" + ih + ".torrent");
            assertEquals(200, tf.statusCode(), new String(tf.body(), StandardCharsets.UTF_8));
            assertArrayEquals(infoBytes(file), infoBytes(tf.body()), "the info dictionary byte for byte");
            TorrentSpec back = Metainfo.parse(tf.body(), "rewritten");
            assertEquals(spec.infoHash(), back.infoHash());
            assertEquals(List.of(List.of(tracker)), back.tiers(), "its own tracker, not verified: the last tier");
            TorrentSpec magnet = MagnetLink.parse(get(web, "/torrents/" + ih + "/magnet").body().strip());
            assertEquals("from-metadata", magnet.name(), "the name from the fetched info dictionary");
        }
    }

    @Test
    void healthIsDownWhileNoTorrentHasAWorkingTrackerOrPeer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Bridge bridge = Bridge.start(fastConfig());
                WebServer web = new WebServer(bridge, new InetSocketAddress("127.0.0.1", 0))) {
            assertEquals(null, bridge.addTorrent(dev.swarm.peerbridge.torrent.TorrentInputs.line(
                    "00112233445566778899aabbccddeeff00112233 http://127.0.0.1:" + silent.getLocalPort() + "/announce", "test")));
            HttpResponse<String> r = get(web, "/api/health");
            assertEquals(503, r.statusCode(), r.body());
            JsonNode h = JSON.readTree(r.body());
            assertEquals("down", h.path("status").asText());
            assertEquals("no torrent has a working tracker or a connected peer", h.path("reasons").get(0).asText());
            assertEquals("", get(web, "/trackers.txt").body(), "an unverified tracker is not published");
            bridge.close();
            HttpResponse<String> closed = get(web, "/api/health");
            assertEquals(503, closed.statusCode(), closed.body());
            JsonNode c = JSON.readTree(closed.body());
            assertFalse(c.path("listening").asBoolean(), closed.body());
            assertEquals("the peer listener is not open", c.path("reasons").get(0).asText());
        }
    }
}
