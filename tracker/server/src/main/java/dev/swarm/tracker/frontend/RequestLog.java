package dev.swarm.tracker.frontend;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.Hex;
import dev.swarm.protocol.IpText;
import dev.swarm.tracker.config.TrackerConfig;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request log ({@code request-log.*}): one line per request, or per {@code sample} requests, at INFO to the
 * logger {@code tracker.requests}. A line names the protocol, the client's address, the request and its outcome and
 * the time taken, e.g. {@code udp 127.0.0.1 announce 0123…cdef started left=0 numwant=50 -> ok peers=12 41us}; a
 * request refused with an error reply ends {@code -> failure "reason"}, one dropped unanswered {@code -> dropped (why)}.
 * Passkeys are never written. Each frontend has its own instance (so sampling counts per frontend). Off, it costs a
 * frontend one boolean test per request.
 */
public final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("tracker.requests");
    /** A log that writes nothing. */
    public static final RequestLog OFF = new RequestLog(new TrackerConfig.RequestLog(false, 1));

    private final boolean enabled;
    private final int sample;
    private final AtomicLong seen = new AtomicLong();

    public RequestLog(TrackerConfig.RequestLog cfg) {
        this.enabled = cfg.enabled() && LOG.isInfoEnabled();
        this.sample = cfg.sample();
    }

    /** Whether this request is to be logged; call once per request and log only when it says so. */
    public boolean sampled() {
        return enabled && (sample == 1 || seen.getAndIncrement() % sample == 0);
    }

    /** An announce; {@code failure} null when it was answered with peers. */
    public void announce(String protocol, byte[] client, byte[] infoHash, AnnounceEvent event, long left, int numWant,
                         String failure, int peers, long nanos) {
        LOG.info("{} {} announce {} {} left={} numwant={} -> {} {}", protocol, address(client), Hex.encode(infoHash),
                event.name().toLowerCase(Locale.ROOT), left, numWant,
                failure == null ? "ok peers=" + peers : "failure \"" + failure + "\"", duration(nanos));
    }

    /** A scrape of {@code hashes} info-hashes (0: a full scrape). */
    public void scrape(String protocol, byte[] client, int hashes, String failure, long nanos) {
        LOG.info("{} {} scrape {} -> {} {}", protocol, address(client), hashes == 0 ? "full" : "hashes=" + hashes,
                failure == null ? "ok" : "failure \"" + failure + "\"", duration(nanos));
    }

    /** Any other request, e.g. {@code GET /metrics -> 200}. */
    public void other(String protocol, byte[] client, String request, String outcome, long nanos) {
        LOG.info("{} {} {} -> {} {}", protocol, address(client), request, outcome, duration(nanos));
    }

    private static String address(byte[] client) {
        return client == null ? "-" : IpText.format(client, 0, client.length);
    }

    static String duration(long nanos) {
        return nanos < 10_000_000 ? nanos / 1000 + "us" : nanos / 1_000_000 + "ms";
    }
}
