package dev.swarm.peerbridge.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON API of a running bridge (for the {@code status}, {@code ranking} and {@code remove}
 * commands and tests). Every failure is an {@link ApiException} whose message is one line naming the
 * address: "cannot reach the bridge API at H:P (connection refused)", "bad answer from ... (HTTP 500)".
 */
public final class ApiClient {
    private static final int MAX_BODY = 16 << 20;

    /** A failed call, with a one-line message for the user. */
    public static final class ApiException extends IOException {
        private static final long serialVersionUID = 1L;

        public ApiException(String message) {
            super(message);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String where;

    /** @param base e.g. {@code http://127.0.0.1:7881} */
    public ApiClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.where = this.base.replaceFirst("^https?://", "");
    }

    /** GETs {@code path} (e.g. {@code /api/ranking}) and parses the JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return call("GET", path, 200);
    }

    /**
     * DELETEs {@code path} (e.g. {@code /api/torrents/HASH}).
     *
     * @return the JSON answer of a 200, or null for a 404 (nothing there)
     */
    public JsonNode delete(String path) throws IOException, InterruptedException {
        return call("DELETE", path, 200);
    }

    private JsonNode call(String method, String path, int expected) throws IOException, InterruptedException {
        HttpResponse<byte[]> r;
        try {
            r = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IllegalArgumentException e) {
            throw new ApiException("bad bridge API address '" + base + "': " + e.getMessage());
        } catch (ConnectException e) {
            throw new ApiException("cannot reach the bridge API at " + where + " (connection refused)");
        } catch (HttpTimeoutException e) {
            throw new ApiException("cannot reach the bridge API at " + where + " (timed out)");
        } catch (IOException e) {
            throw new ApiException("cannot reach the bridge API at " + where + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
        if (method.equals("DELETE") && r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != expected) {
            throw new ApiException("bad answer from the bridge API at " + where + " (HTTP " + r.statusCode() + " for "
                    + method + " " + path + ")");
        }
        if (r.body().length > MAX_BODY) {
            throw new ApiException("bad answer from the bridge API at " + where + " (body over " + MAX_BODY + " bytes)");
        }
        try {
            JsonNode n = new ObjectMapper().readTree(r.body());
            if (n == null || n.isMissingNode()) {
                throw new ApiException("bad answer from the bridge API at " + where + " (empty body)");
            }
            return n;
        } catch (JacksonException e) {
            throw new ApiException("bad answer from the bridge API at " + where + " (not JSON)");
        }
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

    /**
     * {@code /api/status} as text: one table of torrents (name or hash, connected peers, seeds and leechers
     * among them by bitfield, trackers working/total), then per torrent a table of its trackers (URL, state,
     * last result).
     */
    public static String statusTable(JsonNode status) {
        StringBuilder sb = new StringBuilder();
        sb.append("bridge ").append(status.path("peerId").asText("?")).append(" listening on ")
                .append(status.path("listen").asText("?")).append(", ").append(status.path("connections").asInt())
                .append(" connections\n");
        JsonNode torrents = status.path("torrents");
        if (torrents.isEmpty()) {
            return sb.append("no torrents\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TORRENT", "INFO-HASH", "PEERS", "SEEDS", "LEECHERS", "TRACKERS"});
        for (JsonNode t : torrents) {
            int peers = t.path("peers").size();
            int seeds = 0;
            for (JsonNode p : t.path("peers")) {
                seeds += p.path("seed").asBoolean() ? 1 : 0;
            }
            int working = 0;
            for (JsonNode tr : t.path("trackers")) {
                working += tr.path("status").asText().equals("verified") ? 1 : 0;
            }
            String name = t.path("name").isTextual() && !t.path("name").asText().isEmpty() ? t.path("name").asText() : "-";
            rows.add(new String[] {shorten(name, 40), t.path("infoHash").asText(), String.valueOf(peers),
                    String.valueOf(seeds), String.valueOf(peers - seeds), working + "/" + t.path("trackers").size()});
        }
        columns(sb, "", rows);
        for (JsonNode t : torrents) {
            sb.append('\n').append("trackers of ").append(t.path("infoHash").asText()).append('\n');
            List<String[]> tr = new ArrayList<>();
            tr.add(new String[] {"URL", "STATE", "LAST RESULT"});
            for (JsonNode x : t.path("trackers")) {
                String state = x.path("status").asText("?") + (x.path("advertised").asBoolean() ? ", advertised" : "");
                String last = !x.path("lastError").isNull() && x.path("lastError").isTextual()
                        ? "error: " + shorten(x.path("lastError").asText(), 60)
                        : x.path("successes").asLong() > 0 ? "ok (" + x.path("successes").asLong() + " answers)" : "not asked yet";
                tr.add(new String[] {x.path("url").asText(), state, last});
            }
            columns(sb, "  ", tr);
        }
        return sb.toString();
    }

    private static String shorten(String s, int max) {
        String one = s.replaceAll("[\\r\\n\\t]", " ");
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }

    private static void columns(StringBuilder sb, String indent, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
