package dev.swarm.tracker.frontend.http;

import dev.swarm.protocol.Hex;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.metrics.RateHistory;
import dev.swarm.tracker.swarm.StoreStats;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The status page at {@code /}: swarms and peers, announces per minute over the last hour, the busiest swarms.
 * Plain HTML rendered here, with an inline SVG chart: no script, no external asset. Store counts are read at every
 * view (O(1)); the busiest swarms need a walk of the store, so in a store of more than {@value #WALK_EVERY_VIEW}
 * swarms they are kept for {@value #TOP_TTL_MILLIS} ms (a smaller store is walked at every view, in about a
 * millisecond). They are shown only where the full scrape is served (a public tracker), since they name torrents.
 */
final class StatusPage {
    static final int TOP = 10;
    static final long TOP_TTL_MILLIS = 30_000;
    static final long WALK_EVERY_VIEW = 10_000;

    private final TrackerLogic logic;
    private final RateHistory announces;
    private final boolean showTorrents;
    private final String mode;
    private final long startedMillis;
    private Top top;

    /** The busiest swarms as of {@code atMillis}, and the number of torrents seen in that walk. */
    private record Top(long atMillis, long torrents, List<Row> rows) {
    }

    record Row(String infoHash, long seeders, long leechers, long downloaded) {
        long peers() {
            return seeders + leechers;
        }
    }

    StatusPage(TrackerConfig cfg, TrackerLogic logic, Metrics metrics) {
        this.logic = logic;
        Metrics.Counter http = metrics.counter("http.announce");
        Metrics.Counter udp = metrics.counter("udp.announce");
        this.announces = new RateHistory(() -> http.count() + udp.count());
        this.showTorrents = cfg.scrape().full().servedIn(cfg.mode());
        this.mode = cfg.mode().name().toLowerCase(java.util.Locale.ROOT);
        this.startedMillis = logic.clock().millis();
        announces.sample(startedMillis);
    }

    /** Samples the announce counters; call every few seconds. */
    void tick() {
        announces.sample(logic.clock().millis());
    }

    /** Renders the page; may walk the store, so call it on a worker thread. */
    void send(HttpServerExchange exchange) {
        byte[] body = render(logic.clock().millis()).getBytes(StandardCharsets.UTF_8);
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private synchronized Top top(long now, long swarms) {
        if (top == null || swarms <= WALK_EVERY_VIEW || now - top.atMillis() >= TOP_TTL_MILLIS || now < top.atMillis()) {
            PriorityQueue<Row> best = new PriorityQueue<>(Comparator.comparingLong(Row::peers));
            long torrents = logic.forEachTorrent(Long.MAX_VALUE, (hash, seeders, leechers, downloaded) -> {
                long peers = seeders + leechers;
                if (best.size() < TOP || peers > best.peek().peers()) {
                    best.add(new Row(Hex.encode(hash), seeders, leechers, downloaded));
                    if (best.size() > TOP) {
                        best.poll();
                    }
                }
                return true;
            });
            List<Row> rows = new ArrayList<>(best);
            rows.sort(Comparator.comparingLong(Row::peers).reversed().thenComparing(Row::infoHash));
            top = new Top(now, torrents, List.copyOf(rows));
        }
        return top;
    }

    String render(long now) {
        StoreStats st = logic.stats();
        long[] hour = announces.lastHour(now);
        long lastHourTotal = 0;
        int known = 0;
        for (long c : hour) {
            if (c >= 0) {
                lastHourTotal += c;
                known++;
            }
        }
        long lastMinute = hour[hour.length - 1];
        StringBuilder h = new StringBuilder(8192);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\"><title>Tracker status</title>\n<style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:1.5em 2em;color:#222;max-width:60em}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:.15em .8em;border-bottom:1px solid #ddd}")
                .append("td{text-align:right;font-variant-numeric:tabular-nums}th{text-align:left}code{font-size:12px}")
                .append("rect.b{fill:#3a7bd5}rect.u{fill:#ccc}small{color:#666}</style></head><body>\n")
                .append("<h1>Tracker status</h1>\n<p><small>mode ").append(mode).append(" &middot; page rendered ")
                .append(Instant.ofEpochMilli(now)).append(" &middot; up since ").append(Instant.ofEpochMilli(startedMillis))
                .append("</small></p>\n");

        h.append("<h2>Swarms and peers</h2>\n<table id=\"counts\"><tr><th></th><th>IPv4</th><th>IPv6</th><th>total</th></tr>\n");
        row(h, "swarms", st.v4().swarms(), st.v6().swarms(), st.swarms());
        row(h, "peers", st.v4().peers(), st.v6().peers(), st.peers());
        row(h, "seeders", st.v4().seeders(), st.v6().seeders(), st.seeders());
        row(h, "leechers", st.v4().leechers(), st.v6().leechers(), st.leechers());
        h.append("</table>\n<p><small>A torrent with IPv4 and IPv6 peers is one swarm in each family. Peers that expired but"
                + " were not swept yet are still counted.</small></p>\n");

        h.append("<h2>Announces over the last hour</h2>\n<p id=\"rates\">last minute: <b>")
                .append(lastMinute < 0 ? "n/a" : Long.toString(lastMinute)).append("</b> &middot; this minute so far: <b>")
                .append(announces.currentMinute(now)).append("</b> &middot; last ").append(known)
                .append(" minutes: <b>").append(lastHourTotal).append("</b>");
        if (known > 0) {
            h.append(" (").append(String.format(java.util.Locale.ROOT, "%.2f", lastHourTotal / (known * 60.0))).append("/s)");
        }
        h.append(" <small>(HTTP and UDP)</small></p>\n");
        chart(h, hour);

        if (showTorrents) {
            Top t = top(now, st.swarms());
            h.append("<h2>Busiest swarms</h2>\n<p><small>").append(t.torrents()).append(" torrents as of ")
                    .append(Instant.ofEpochMilli(t.atMillis())).append(st.swarms() > WALK_EVERY_VIEW
                            ? " (refreshed at most every " + TOP_TTL_MILLIS / 1000 + " s)" : "").append("</small></p>\n<table id=\"top\"><tr><th>#</th><th>info-hash</th>")
                    .append("<th>peers</th><th>seeders</th><th>leechers</th><th>downloaded</th></tr>\n");
            int rank = 1;
            for (Row r : t.rows()) {
                h.append("<tr><td>").append(rank++).append("</td><td><code>").append(r.infoHash()).append("</code></td><td>")
                        .append(r.peers()).append("</td><td>").append(r.seeders()).append("</td><td>").append(r.leechers())
                        .append("</td><td>").append(r.downloaded()).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<p><small>Also: <a href=\"/stats\">/stats</a> (JSON), <a href=\"/metrics\">/metrics</a> (Prometheus)");
        if (showTorrents) {
            h.append(", <a href=\"/scrape\">/scrape</a> (full scrape, bencoded)");
        }
        h.append(".</small></p>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, long v4, long v6, long total) {
        h.append("<tr><th>").append(name).append("</th><td>").append(v4).append("</td><td>").append(v6)
                .append("</td><td id=\"").append(name).append("\">").append(total).append("</td></tr>\n");
    }

    /** One bar per minute, oldest on the left; grey where there is no data yet. */
    private static void chart(StringBuilder h, long[] perMinute) {
        int w = 10;
        int height = 100;
        long max = 1;
        for (long c : perMinute) {
            max = Math.max(max, c);
        }
        h.append("<svg role=\"img\" aria-label=\"announces per minute\" width=\"").append(perMinute.length * w)
                .append("\" height=\"").append(height + 2).append("\" viewBox=\"0 0 ").append(perMinute.length * w).append(' ')
                .append(height + 2).append("\">");
        for (int i = 0; i < perMinute.length; i++) {
            long c = perMinute[i];
            int bar = c < 0 ? 2 : (int) Math.max(c > 0 ? 1 : 0, Math.round(height * (double) c / max));
            h.append("<rect class=\"").append(c < 0 ? "u" : "b").append("\" x=\"").append(i * w + 1).append("\" y=\"")
                    .append(height + 2 - bar).append("\" width=\"").append(w - 2).append("\" height=\"").append(bar)
                    .append("\"><title>").append(perMinute.length - i).append(" min ago: ")
                    .append(c < 0 ? "no data" : Long.toString(c)).append("</title></rect>");
        }
        h.append("</svg>\n<p><small>max ").append(max).append(" per minute; newest on the right</small></p>\n");
    }
}
