package dev.swarm.tracker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole tracker configuration, immutable and validated. Built by {@link ConfigLoader} from
 * {@code conf/tracker.yaml} (the embedded default) plus an operator's file and command-line overrides.
 */
public record TrackerConfig(Mode mode, Http http, Udp udp, Announce announce, Scrape scrape, Store store,
                            Registry registry, Admin admin, Access access, Proxy proxy, Limits limits, Ratio ratio,
                            RequestLog requestLog, Cluster cluster) {

    /** Who may use the tracker: anyone (subject to access lists), or registered users on registered torrents. */
    public enum Mode { PUBLIC, PRIVATE }

    /** HTTP frontend; {@code listen} is null when disabled. */
    public record Http(HostPort listen, int ioThreads, Duration idleTimeout, int maxConnections,
                       int maxConnectionsPerAddress, boolean exposeMetrics) {
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

    /**
     * @param maxHashes most info-hashes in one HTTP scrape
     * @param full      the full scrape (an HTTP scrape without info_hash)
     */
    public record Scrape(int maxHashes, FullScrape full) {
    }

    /** Whether a full scrape is served: {@code AUTO} serves it in public mode only. */
    public enum FullScrapeMode { AUTO, ON, OFF }

    /**
     * The full scrape.
     *
     * @param maxSwarms   most torrents listed in one answer
     * @param minInterval one full scrape per client address per this interval
     */
    public record FullScrape(FullScrapeMode enabled, int maxSwarms, Duration minInterval) {
        /** Whether it is served in this mode. */
        public boolean servedIn(Mode mode) {
            return enabled == FullScrapeMode.ON || enabled == FullScrapeMode.AUTO && mode == Mode.PUBLIC;
        }
    }

    /**
     * The request log: one line per request (or per {@code sample} requests) to the logger {@code tracker.requests}.
     *
     * @param sample log one request in this many (1: every request)
     */
    public record RequestLog(boolean enabled, int sample) {
    }

    /**
     * Several nodes serving one set of swarms through Redis (the {@code cluster} package); off when {@code redis}
     * is empty. See the {@code cluster} section of {@code conf/tracker.yaml}.
     *
     * @param redis          one Redis URL ({@code redis://host:port}, {@code redis-socket:///path}), or two or more
     *                       seed nodes of a Redis Cluster; empty: this node runs alone
     * @param node           this node's name, unique in the cluster (never empty once loaded)
     * @param shards         streams the changes are spread over by info-hash (a power of two)
     * @param streamMaxLength approximate most entries kept per stream (XADD MAXLEN ~)
     * @param outbox         most accepted changes queued for publishing; more are dropped and counted
     * @param pollInterval   how long the applier waits after a round that read nothing
     * @param heartbeat      how often the node says it is alive; a node silent for three heartbeats is gone
     * @param keyRotation    how often the shared UDP connection-ID key is replaced (the previous one stays valid)
     * @param keyPrefix      prefix of every Redis key, so several clusters can share one Redis
     * @param commandTimeout longest wait for one Redis command (on the cluster's own threads, never a request's)
     */
    public record Cluster(List<String> redis, String node, int shards, long streamMaxLength, int outbox,
                          Duration pollInterval, Duration heartbeat, Duration keyRotation, String keyPrefix,
                          Duration commandTimeout) {
        public boolean enabled() {
            return !redis.isEmpty();
        }

        /** Whether {@link #redis} names the seeds of a Redis Cluster (two or more) rather than one server. */
        public boolean redisCluster() {
            return redis.size() > 1;
        }

        @Override
        public String toString() {
            return "Cluster[redis=" + redis.stream().map(Cluster::redactUrl).toList() + ", node=" + node + ", shards="
                    + shards + ", streamMaxLength=" + streamMaxLength + ", outbox=" + outbox + ", pollInterval="
                    + pollInterval + ", heartbeat=" + heartbeat + ", keyRotation=" + keyRotation + ", keyPrefix="
                    + keyPrefix + ", commandTimeout=" + commandTimeout + "]";
        }

        /** A URL with its password (user info) replaced, for logs. */
        public static String redactUrl(String url) {
            int scheme = url.indexOf("://");
            int at = url.lastIndexOf('@');
            return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "(redacted)" + url.substring(at) : url;
        }
    }

    public enum StoreType { OFFHEAP, HEAP }

    public enum OnCorrupt { QUARANTINE, FAIL }

    public record Store(StoreType type, Path dataDir, long maxSwarms, int maxPeersPerSwarm, long expectedSwarms,
                        int expectedPeersPerSwarm, OnCorrupt onCorrupt, Duration sweepInterval) {
    }

    /**
     * The persisted registry of users, torrents and accounting.
     *
     * @param dataDir directory of the journal (already resolved against the store's data directory)
     */
    public record Registry(Path dataDir, Duration flushInterval, int maxUsers, int maxTorrents, long maxAccounts,
                           int maxSessions, int maxSessionsPerUser) {
    }

    /** The admin API; {@code listen} is null when disabled. The token is redacted by {@link #toString()}. */
    public record Admin(HostPort listen, String token) {
        @Override
        public String toString() {
            return "Admin[listen=" + listen + ", token=" + (token.isEmpty() ? "(none)" : "(redacted)") + "]";
        }
    }

    public enum ListMode { ALLOW, DENY }

    /**
     * Access lists.
     *
     * @param infoHashList file of info-hashes, or null for none
     * @param clientAllow  peer_id prefixes allowed (empty: all not denied)
     * @param clientDeny   peer_id prefixes refused
     */
    public record Access(Path infoHashList, ListMode infoHashListMode, Duration reloadInterval, List<String> clientAllow,
                         List<String> clientDeny) {
    }

    /** Reverse proxies whose forwarding headers are believed. */
    public record Proxy(List<Cidr> trusted) {
    }

    /**
     * Abuse limits, per client address; {@code announcesPerMinute == 0} disables the rate limit,
     * {@code newSwarmsPerMinute == 0} the cap on new swarms, {@code unknownPasskeysPerMinute == 0} the passkey-guess
     * limit, {@code banAfterInvalidIds == 0} the ban.
     */
    public record Limits(int announcesPerMinute, int announceBurst, int newSwarmsPerMinute, int newSwarmBurst,
                         int unknownPasskeysPerMinute, int unknownPasskeyBurst, int banAfterInvalidIds,
                         Duration banWindow, Duration banDuration, int trackedAddresses) {
    }

    /**
     * Private-mode share-ratio rules, all off by default (see the {@code ratio} section of {@code conf/tracker.yaml}).
     *
     * @param grace                bytes (counted download) a member may download before the ratio rule applies
     * @param required             required ratio by counted bytes downloaded, ascending; empty: no ratio rule
     * @param excludeFreeleech     freeleech downloads do not count as downloaded
     * @param seedingCreditPerHour bytes credited as uploaded for each hour seeded (0: none)
     * @param embargo              how long a newly registered torrent is held back from low-ratio members (0: off)
     * @param embargoMinRatio      ratio a member needs to download an embargoed torrent
     * @param embargoMinUploaded   counted bytes uploaded a member needs to download an embargoed torrent
     * @param seedTime             seeding time on a completed torrent that meets the seeding requirement (0: not this way)
     * @param seedRatio            ratio on a completed torrent that meets it (0: not this way)
     * @param seedDeadline         time after completing within which the requirement must be met (0: no requirement)
     * @param strikesForUploadOnly strikes that put a member into upload-only (0: strikes are only recorded)
     */
    public record Ratio(long grace, List<Step> required, boolean excludeFreeleech, long seedingCreditPerHour,
                        Duration embargo, double embargoMinRatio, long embargoMinUploaded, Duration seedTime,
                        double seedRatio, Duration seedDeadline, int strikesForUploadOnly) {
        /** Every rule off. */
        public static final Ratio OFF = new Ratio(0, List.of(), true, 0, Duration.ZERO, 0, 0, Duration.ZERO, 0,
                Duration.ZERO, 0);

        /** From {@code fromDownloaded} counted bytes downloaded on, {@code ratio} is required. */
        public record Step(long fromDownloaded, double ratio) {
        }

        public boolean ratioRule() {
            return !required.isEmpty();
        }

        public boolean embargoRule() {
            return !embargo.isZero();
        }

        public boolean seedingRule() {
            return !seedDeadline.isZero();
        }

        /** Whether any rule is on (the tracker adds the ratio steps to the chain only then). */
        public boolean any() {
            return ratioRule() || embargoRule() || seedingRule();
        }
    }
}
