package dev.swarm.peerbridge.trackers;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides whether an unverified learned tracker may be sent a request now: at most
 * one request per host per interval, over all torrents, ports, schemes and kinds of request, so peers
 * cannot aim the bridge at a victim by handing it many URLs (other paths, ports or torrents) on the
 * same host. Announces ({@code session.Bridge}) take from it; the health probes
 * (wt-12b's {@code health} package) must take from the same instance ({@code Bridge.requestBudget()})
 * before probing a learned tracker that has not answered yet. Trackers from the user's config, magnets
 * and .torrent files, and learned ones once verified, do not use it.
 *
 * <p>Bounded: hosts whose interval has passed are forgotten first; at most {@code maxHosts}
 * are remembered (beyond that the request is refused: a flood of distinct learned hosts waits).
 * Times are milliseconds from an injected clock. Not thread-safe: the owner serialises calls.
 */
public final class RequestBudget {
    private final long intervalMillis;
    private final int maxHosts;
    private final LinkedHashMap<String, Long> lastRequest = new LinkedHashMap<>();

    public RequestBudget(long intervalMillis, int maxHosts) {
        if (intervalMillis <= 0 || maxHosts < 1) {
            throw new IllegalArgumentException("interval and size must be positive");
        }
        this.intervalMillis = intervalMillis;
        this.maxHosts = maxHosts;
    }

    /** True (and the request counted) if {@code url}'s host had no request within the interval. */
    public boolean tryAcquire(String url, long nowMillis) {
        String endpoint = endpoint(url);
        Long last = lastRequest.get(endpoint);
        if (last != null && nowMillis - last < intervalMillis) {
            return false;
        }
        for (var it = lastRequest.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Long> e = it.next();
            if (nowMillis - e.getValue() < intervalMillis) {
                break; // insertion order is request order: the rest are newer
            }
            it.remove();
        }
        if (lastRequest.size() >= maxHosts) {
            return false;
        }
        lastRequest.remove(endpoint);
        lastRequest.put(endpoint, nowMillis);
        return true;
    }

    /** When {@code url}'s host may next be requested (now or earlier if it may be now). */
    public long nextAllowedAt(String url) {
        Long last = lastRequest.get(endpoint(url));
        return last == null ? Long.MIN_VALUE : last + intervalMillis;
    }

    /** The lower-cased host of the URL; the URL itself if it has none. */
    static String endpoint(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? url : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
