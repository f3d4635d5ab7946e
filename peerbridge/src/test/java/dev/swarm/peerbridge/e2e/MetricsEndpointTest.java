package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.peerbridge.web.WebServer;
import dev.swarm.peerbridge.session.Bridge;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /metrics} of the bridge's API: Prometheus text with the bridge's real numbers. */
@Timeout(60)
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> request(InetSocketAddress api, String method) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.getPort() + "/metrics"))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample line ({@code name} includes the labels as written), or NaN when absent. */
    private static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void countsTorrentsAndTrackersByState() throws Exception {
        String ih = "00112233445566778899aabbccddeeff00112233";
        // A tracker that accepts the connection and never answers: it stays a candidate.
        try (MiniTracker live = new MiniTracker();
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String dead = "http://127.0.0.1:" + silent.getLocalPort() + "/announce";
            Bridge b = Bridges.start(ih + " " + live.httpUrl() + " " + dead, "");
            try (b; WebServer api = new WebServer(b, new InetSocketAddress("127.0.0.1", 0))) {
                String[] text = new String[1];
                Bridges.await("the live tracker verified in /metrics", 30_000, () -> {
                    try {
                        text[0] = request(api.address(), "GET").body();
                        return value(text[0], "peerbridge_trackers{status=\"verified\"}") == 1.0;
                    } catch (Exception e) {
                        return false;
                    }
                });
                HttpResponse<String> r = request(api.address(), "GET");
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
                String body = r.body();
                assertEquals(1.0, value(body, "peerbridge_torrents"), body);
                assertEquals(1.0, value(body, "peerbridge_trackers{status=\"candidate\"}"), body);
                assertEquals(0.0, value(body, "peerbridge_trackers{status=\"failing\"}"), body);
                assertEquals(1.0, value(body, "peerbridge_advertised_trackers"), "only the verified one is advertised: " + body);
                assertTrue(value(body, "peerbridge_connections") >= 0, body);
                assertTrue(body.contains("# HELP peerbridge_known_peers "), body);
                assertEquals(405, request(api.address(), "POST").statusCode());
            }
        }
    }
}
