package dev.swarm.peerbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.swarm.peerbridge.web.WebServer;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.protocol.InfoHash;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command line run in-process (Main's commands with captured stdout/stderr) against a real bridge and its
 * API on loopback, against nothing listening, and against a server that answers something else.
 */
@Timeout(60)
class MainCliTest {
    static final String IH = "00000000000000000000000000000000000000dd";

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static Bridge bridge() throws Exception {
        Bridge b = Bridge.start(ConfigLoader.parse("listen: 127.0.0.1:0\napi: \"\"\ntrackers:\n  udp-bind: 127.0.0.1:0\n"));
        // A tracker on a port held closed for the test: the torrent has one tracker that is not working.
        assertNull(b.addTorrent(TorrentInputs.line(IH + " udp://127.0.0.1:1/announce", "test")));
        return b;
    }

    @Test
    void statusPrintsTablesAndJsonWithHostPortOrUrl() throws Exception {
        try (Bridge b = bridge(); WebServer api = new WebServer(b, new InetSocketAddress("127.0.0.1", 0))) {
            String hostPort = "127.0.0.1:" + api.address().getPort();
            Run table = cli("status", "--api", hostPort);
            assertEquals(0, table.code(), table.err());
            assertEquals("", table.err());
            String[] lines = table.out().split("\n");
            assertTrue(lines[0].startsWith("bridge -PB0010-"), table.out());
            assertTrue(lines[1].matches("TORRENT +INFO-HASH +PEERS +SEEDS +LEECHERS +TRACKERS"), lines[1]);
            assertTrue(lines[2].matches("- +" + IH + " +0 +0 +0 +0/1"), lines[2]);
            assertTrue(table.out().contains("trackers of " + IH + "\n"), table.out());
            assertTrue(table.out().matches("(?s).*\n  URL +STATE +LAST RESULT\n  udp://127\\.0\\.0\\.1:1/announce +candidate +.*"),
                    table.out());

            Run viaUrl = cli("status", "--api", "http://" + hostPort + "/");
            assertEquals(0, viaUrl.code(), viaUrl.err());
            assertEquals(table.out().lines().skip(1).toList(), viaUrl.out().lines().skip(1).toList());

            Run json = cli("status", "--json", "--api", hostPort);
            assertEquals(0, json.code(), json.err());
            assertEquals(IH, new ObjectMapper().readTree(json.out()).path("torrents").get(0).path("infoHash").asText());

            Run ranking = cli("ranking", "--api", hostPort);
            assertEquals(0, ranking.code(), ranking.err());
            assertTrue(ranking.out().startsWith("overall\n"), ranking.out());
        }
    }

    @Test
    void aBridgeThatIsNotRunningIsOneLineAndExitCode1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        for (String cmd : new String[] {"status", "ranking"}) {
            for (String api : new String[] {"127.0.0.1:" + port, "http://127.0.0.1:" + port}) {
                Run r = cli(cmd, "--api", api);
                assertEquals(1, r.code(), cmd + " " + api);
                assertEquals("", r.out());
                assertEquals("peerbridge: cannot reach the bridge API at 127.0.0.1:" + port + " (connection refused)\n",
                        r.err(), cmd + " " + api);
            }
        }
        Run remove = cli("remove", "--api", "127.0.0.1:" + port, IH);
        assertEquals(1, remove.code());
        assertEquals("peerbridge: cannot reach the bridge API at 127.0.0.1:" + port + " (connection refused)\n", remove.err());
    }

    @Test
    void aBadAnswerIsOneLineAndExitCode1() throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/api/status", ex -> {
            byte[] body = "<html>not the bridge</html>".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.createContext("/api/ranking", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        web.start();
        try {
            String at = "127.0.0.1:" + web.getAddress().getPort();
            Run status = cli("status", "--api", at);
            assertEquals(1, status.code());
            assertEquals("peerbridge: bad answer from the bridge API at " + at + " (not JSON)\n", status.err());
            Run ranking = cli("ranking", "--api", at);
            assertEquals(1, ranking.code());
            assertEquals("peerbridge: bad answer from the bridge API at " + at + " (HTTP 500 for GET /api/ranking)\n",
                    ranking.err());
        } finally {
            web.stop(0);
        }
    }

    @Test
    void everySubcommandHasHelpAndBadArgumentsAreOneLine() {
        for (String cmd : new String[] {"run", "status", "ranking", "remove"}) {
            Run r = cli(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().startsWith("Usage: peerbridge " + cmd), r.out());
            assertTrue(r.out().contains("--help"), r.out());
            assertEquals("", r.err());
        }
        Run badApi = cli("status", "--api", "nonsense");
        assertEquals(2, badApi.code());
        assertEquals("peerbridge: bad --api value 'nonsense': expected host:port or http://host:port\n", badApi.err());
        Run badHash = cli("remove", "--api", "127.0.0.1:1", "xyz");
        assertEquals(2, badHash.code());
        assertEquals("peerbridge: 'xyz' is not a 40-character hex info-hash\n", badHash.err());
        Run unknown = cli("status", "--bogus");
        assertEquals(2, unknown.code());
        assertFalse(unknown.err().contains("\tat "), "no stack trace: " + unknown.err());
    }

    @Test
    void removeDeletesTheTorrentThroughTheApi() throws Exception {
        // The route wt-12c's web layer serves (DELETE /api/torrents/{hash} -> Bridge.removeTorrent), served here by a
        // loopback JDK server over the real bridge until that layer is merged.
        try (Bridge b = bridge()) {
            HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            web.createContext("/api/torrents/", ex -> {
                String hash = ex.getRequestURI().getPath().substring("/api/torrents/".length());
                boolean removed = ex.getRequestMethod().equals("DELETE") && b.removeTorrent(InfoHash.fromHex(hash));
                byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("removed", removed));
                ex.sendResponseHeaders(removed ? 200 : 404, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            web.start();
            try {
                String at = "127.0.0.1:" + web.getAddress().getPort();
                Run r = cli("remove", "--api", at, IH.toUpperCase(java.util.Locale.ROOT));
                assertEquals(0, r.code(), r.err());
                assertEquals("removed " + IH + "\n", r.out());
                assertEquals(0, ((java.util.List<?>) b.status().get("torrents")).size());
                Run again = cli("remove", "--api", at, IH);
                assertEquals(1, again.code());
                assertEquals("peerbridge: the bridge has no torrent " + IH + "\n", again.err());
            } finally {
                web.stop(0);
            }
        }
    }
}
