package dev.swarm.peerbridge.dht;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets for incoming queries: one per source IP ({@code perSecond}, burst {@code burst}), the
 * most recently active {@code maxSources} remembered, and one for all sources together
 * ({@code totalPerSecond}), so neither one noisy source nor many spoofed ones make the node answer
 * without bound. Owned by one thread; time comes from the caller.
 */
final class SourceRateLimit {
    private final double perSecond;
    private final double burst;
    private final double totalPerSecond;
    private final double[] all;
    private final Map<InetAddress, double[]> sources;

    SourceRateLimit(int perSecond, int burst, int totalPerSecond, int maxSources, long now) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.totalPerSecond = totalPerSecond;
        this.all = new double[] {totalPerSecond, now};
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, double[]> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes one token for {@code source}; false when it or all sources together are over their rate. */
    boolean allow(InetAddress source, long now) {
        double[] b = sources.computeIfAbsent(source, s -> new double[] {burst, now});
        refill(b, perSecond, burst, now);
        refill(all, totalPerSecond, totalPerSecond, now);
        if (b[0] < 1 || all[0] < 1) {
            return false;
        }
        b[0]--;
        all[0]--;
        return true;
    }

    private static void refill(double[] b, double rate, double cap, long now) {
        double elapsed = Math.max(0, now - b[1]) / 1000.0;
        b[0] = Math.min(cap, b[0] + elapsed * rate);
        b[1] = now;
    }
}
