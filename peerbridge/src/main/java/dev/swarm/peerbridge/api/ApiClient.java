package dev.swarm.peerbridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the JSON API of a running bridge (for the {@code ranking} and {@code status} commands and tests). */
public final class ApiClient {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param base e.g. {@code http://127.0.0.1:7881} */
    public ApiClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** GETs {@code path} (e.g. {@code /api/ranking}) and parses the JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(base + path + ": HTTP " + r.statusCode());
        }
        return new ObjectMapper().readTree(r.body());
    }

    /** The ranking as a plain-text table, overall then per torrent. */
    public static String rankingTable(JsonNode ranking) {
        StringBuilder sb = new StringBuilder();
        table(sb, "overall", ranking.path("overall"));
        ranking.path("torrents").properties().forEach(e -> table(sb, "torrent " + e.getKey(), e.getValue()));
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, JsonNode rows) {
        sb.append(title).append('\n');
        sb.append(String.format("  %-4s %-8s %-8s %-9s %-9s %s%n", "#", "peers", "unique", "success", "latency", "tracker"));
        int i = 1;
        for (JsonNode r : rows) {
            sb.append(String.format("  %-4d %-8d %-8d %-9s %-9s %s%n", i++, r.path("distinctPeers").asInt(),
                    r.path("uniquePeers").asInt(),
                    Math.round(100 * r.path("successRate").asDouble()) + "%",
                    r.path("latencyMillis").asLong() < 0 ? "-" : r.path("latencyMillis").asLong() + "ms",
                    r.path("url").asText()));
        }
    }
}
