package dev.swarm.tracker.frontend.http;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.http.FullScrapeListing;
import dev.swarm.protocol.http.FullScrapeResponse;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full scrape, {@code GET /scrape} without {@code info_hash}: every torrent the scrape policies show, with its
 * counts, as opentracker serves it. Gated on the I/O thread (served in this mode, one at a time, one per address per
 * {@code scrape.full.min-interval}), then served from a worker thread: the store is walked one segment at a time
 * into a {@link FullScrapeListing} (at most {@code scrape.full.max-swarms} torrents, up to about 44 bytes each),
 * which puts the {@code files} keys in bencode's order; the answer then goes out in chunks of about
 * {@value #CHUNK} bytes through Undertow's blocking output stream, gzipped by Undertow's {@link EncodingHandler} when
 * the client accepts it. No lock of the store is held while the client reads. A client that stops reading is cut off
 * by the connection's idle timeout.
 */
final class FullScrape {
    private static final Logger LOG = LoggerFactory.getLogger(FullScrape.class);
    static final String NOT_SERVED = "full scrape is not served by this tracker: name the torrents with info_hash";
    static final String BUSY = "a full scrape is being sent to someone else; try again in a minute";
    /** Bytes collected before they are written to the connection. */
    static final int CHUNK = 32 * 1024;

    private final TrackerLogic logic;
    private final boolean served;
    private final int maxSwarms;
    private final long minIntervalSeconds;
    /** One full scrape at a time: each takes a worker thread and a walk of the store. */
    private final Semaphore running = new Semaphore(1);
    private final HttpHandler gzipped;
    private final Metrics.Counter served0;
    private final Metrics.Counter refused;
    private final Metrics.Counter truncated;
    private final Metrics.Counter listed;

    FullScrape(TrackerConfig cfg, TrackerLogic logic, Metrics metrics) {
        this.logic = logic;
        TrackerConfig.FullScrape full = cfg.scrape().full();
        this.served = full.servedIn(cfg.mode());
        this.maxSwarms = full.maxSwarms();
        this.minIntervalSeconds = full.minInterval().toSeconds();
        this.gzipped = new EncodingHandler(exchange -> exchange.dispatch(() -> stream(exchange)),
                new ContentEncodingRepository().addEncodingHandler("gzip", new GzipEncodingProvider(), 50));
        this.served0 = metrics.counter("scrape.full");
        this.refused = metrics.counter("scrape.full.refused");
        this.truncated = metrics.counter("scrape.full.truncated");
        this.listed = metrics.counter("scrape.full.torrents");
    }

    /**
     * Answers a full scrape whose passkey (if any) the logic has accepted. Runs on the I/O thread.
     *
     * @param client the client's address (4 or 16 bytes)
     * @param fail   sends a bencoded failure reason
     */
    void handle(HttpServerExchange exchange, byte[] client, Consumer<String> fail) throws Exception {
        if (!served) {
            refused.inc();
            fail.accept(NOT_SERVED);
            return;
        }
        if (!running.tryAcquire()) {
            refused.inc();
            fail.accept(BUSY);
            return;
        }
        boolean handedOver = false;
        try {
            long waitMillis = logic.acquireFullScrape(client, logic.clock().millis());
            if (waitMillis > 0) {
                refused.inc();
                long seconds = (waitMillis + 999) / 1000;
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, seconds);
                fail.accept("full scrape: one per " + minIntervalSeconds + " s from an address; try again in " + seconds
                        + " s");
                return;
            }
            gzipped.handleRequest(exchange);
            handedOver = true;
        } finally {
            if (!handedOver) {
                running.release();
            }
        }
    }

    /** On a worker thread: walks the torrents into a sorted listing and writes the answer in chunks. */
    private void stream(HttpServerExchange exchange) {
        try {
            FullScrapeListing listing = new FullScrapeListing(maxSwarms);
            // the one beyond the bound does not fit: add() says false, the walk stops, and seen tells there are more
            long seen = logic.forEachTorrent(maxSwarms + 1L,
                    (hash, seeders, leechers, downloaded) -> listing.add(hash, seeders, downloaded, leechers));
            int torrents = listing.sort();
            exchange.startBlocking();
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            ByteSink buf = new ByteSink(CHUNK + FullScrapeResponse.MAX_FILE_BYTES + 64);
            try (OutputStream out = exchange.getOutputStream()) {
                FullScrapeResponse.begin(buf);
                for (int i = 0; i < torrents; i++) {
                    listing.write(i, buf);
                    if (buf.size() >= CHUNK) {
                        flush(buf, out);
                    }
                }
                FullScrapeResponse.end(buf, minIntervalSeconds);
                flush(buf, out);
                // counted before the stream closes, which ends the chunked answer: a client that has the whole
                // answer sees the counts
                if (seen > maxSwarms) {
                    truncated.inc();
                }
                served0.inc();
                listed.inc(torrents);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("full scrape to {} ended early: {}", exchange.getSourceAddress(), e.toString());
            exchange.setPersistent(false);
        } catch (RuntimeException e) {
            LOG.error("full scrape failed", e);
            exchange.setPersistent(false);
        } finally {
            running.release();
            exchange.endExchange();
        }
    }

    private static void flush(ByteSink buf, OutputStream out) {
        try {
            out.write(buf.array(), 0, buf.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.reset();
    }
}
