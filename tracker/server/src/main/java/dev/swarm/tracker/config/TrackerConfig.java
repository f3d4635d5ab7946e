package dev.swarm.tracker.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole tracker configuration, immutable and validated. Built by {@link ConfigLoader} from
 * {@code conf/tracker.yaml} (the embedded default) plus an operator's file and command-line overrides.
 */
public record TrackerConfig(Http http, Udp udp, Announce announce, Scrape scrape, Store store) {

    /** HTTP frontend; {@code listen} is null when disabled. */
    public record Http(HostPort listen, int ioThreads, Duration idleTimeout, int maxConnections, boolean exposeMetrics) {
    }

    /** UDP frontend; {@code listen} is null when disabled. The secret is redacted by {@link #toString()}. */
    public record Udp(HostPort listen, int threads, int receiveBuffer, byte[] connectionIdSecret, Duration connectionIdLifetime) {
        @Override
        public String toString() {
            return "Udp[listen=" + listen + ", threads=" + threads + ", receiveBuffer=" + receiveBuffer
                    + ", connectionIdSecret=" + (connectionIdSecret == null ? "(random)" : "(redacted)")
                    + ", connectionIdLifetime=" + connectionIdLifetime + "]";
        }
    }

    public record Announce(Duration interval, Duration minInterval, int defaultNumwant, int maxNumwant,
                           Duration peerTimeout, boolean trustAnnouncedIp, boolean reportExternalIp) {
    }

    public record Scrape(int maxHashes) {
    }

    public enum StoreType { OFFHEAP, HEAP }

    public enum OnCorrupt { QUARANTINE, FAIL }

    public record Store(StoreType type, Path dataDir, long maxSwarms, int maxPeersPerSwarm, long expectedSwarms,
                        int expectedPeersPerSwarm, OnCorrupt onCorrupt, Duration sweepInterval) {
    }
}
