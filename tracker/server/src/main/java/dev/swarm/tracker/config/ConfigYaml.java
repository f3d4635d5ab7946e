package dev.swarm.tracker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The effective configuration as YAML in the layout of {@code conf/tracker.yaml}, so that {@code --check-config}
 * output can be fed back with {@code --config} and gives the same configuration, except for the secrets: the UDP
 * connection-ID secret and the admin token are printed empty, and a comment line at the top says so.
 */
public final class ConfigYaml {
    static final String REDACTED_NOTE = "# Secrets are redacted: udp.connection-id-secret and admin.token are printed as \"\"."
            + " Set them again in the file, or the token with TRACKER_ADMIN_TOKEN, before using this with --config.\n";

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private ConfigYaml() {
    }

    /** The configuration as YAML, starting with comment lines (what it is, which secrets were left out). */
    public static String print(TrackerConfig c) {
        ObjectNode root = YAML.createObjectNode();
        root.put("mode", name(c.mode()));

        ObjectNode http = root.putObject("http");
        http.put("listen", listen(c.http().listen()));
        http.put("io-threads", c.http().ioThreads());
        http.put("idle-timeout", duration(c.http().idleTimeout()));
        http.put("max-connections", c.http().maxConnections());
        http.put("max-connections-per-address", c.http().maxConnectionsPerAddress());
        http.put("expose-metrics", c.http().exposeMetrics());

        ObjectNode udp = root.putObject("udp");
        udp.put("listen", listen(c.udp().listen()));
        udp.put("threads", c.udp().threads());
        udp.put("receive-buffer", c.udp().receiveBuffer());
        udp.put("connection-id-secret", "");
        udp.put("connection-id-lifetime", duration(c.udp().connectionIdLifetime()));

        ObjectNode ann = root.putObject("announce");
        ann.put("interval", duration(c.announce().interval()));
        ann.put("min-interval", duration(c.announce().minInterval()));
        ann.put("default-numwant", c.announce().defaultNumwant());
        ann.put("max-numwant", c.announce().maxNumwant());
        ann.put("peer-timeout", duration(c.announce().peerTimeout()));
        ann.put("trust-announced-ip", c.announce().trustAnnouncedIp());
        ann.put("report-external-ip", c.announce().reportExternalIp());

        ObjectNode scrape = root.putObject("scrape");
        scrape.put("max-hashes", c.scrape().maxHashes());
        ObjectNode full = scrape.putObject("full");
        full.put("enabled", name(c.scrape().full().enabled()));
        full.put("max-swarms", c.scrape().full().maxSwarms());
        full.put("min-interval", duration(c.scrape().full().minInterval()));

        TrackerConfig.Store s = c.store();
        ObjectNode store = root.putObject("store");
        store.put("type", name(s.type()));
        store.put("data-dir", path(s.dataDir()));
        store.put("max-swarms", s.maxSwarms());
        store.put("max-peers-per-swarm", s.maxPeersPerSwarm());
        store.put("expected-swarms", s.expectedSwarms());
        store.put("expected-peers-per-swarm", s.expectedPeersPerSwarm());
        store.put("on-corrupt", name(s.onCorrupt()));
        store.put("sweep-interval", duration(s.sweepInterval()));

        TrackerConfig.Registry r = c.registry();
        ObjectNode registry = root.putObject("registry");
        registry.put("data-dir", path(r.dataDir()));
        registry.put("flush-interval", duration(r.flushInterval()));
        registry.put("max-users", r.maxUsers());
        registry.put("max-torrents", r.maxTorrents());
        registry.put("max-accounts", r.maxAccounts());
        registry.put("max-sessions", r.maxSessions());
        registry.put("max-sessions-per-user", r.maxSessionsPerUser());

        ObjectNode admin = root.putObject("admin");
        admin.put("listen", listen(c.admin().listen()));
        admin.put("token", "");

        TrackerConfig.Access a = c.access();
        ObjectNode access = root.putObject("access");
        access.put("info-hash-list", a.infoHashList() == null ? "" : path(a.infoHashList()));
        access.put("info-hash-list-mode", name(a.infoHashListMode()));
        access.put("reload-interval", duration(a.reloadInterval()));
        list(access.putArray("client-allow"), a.clientAllow());
        list(access.putArray("client-deny"), a.clientDeny());

        ArrayNode trusted = root.putObject("proxy").putArray("trusted");
        c.proxy().trusted().forEach(cidr -> trusted.add(cidr.toString()));

        TrackerConfig.Limits l = c.limits();
        ObjectNode limits = root.putObject("limits");
        limits.put("announces-per-minute", l.announcesPerMinute());
        limits.put("announce-burst", l.announceBurst());
        limits.put("new-swarms-per-minute", l.newSwarmsPerMinute());
        limits.put("new-swarm-burst", l.newSwarmBurst());
        limits.put("unknown-passkeys-per-minute", l.unknownPasskeysPerMinute());
        limits.put("unknown-passkey-burst", l.unknownPasskeyBurst());
        limits.put("ban-after-invalid-ids", l.banAfterInvalidIds());
        limits.put("ban-window", duration(l.banWindow()));
        limits.put("ban-duration", duration(l.banDuration()));
        limits.put("tracked-addresses", l.trackedAddresses());

        TrackerConfig.Ratio q = c.ratio();
        ObjectNode ratio = root.putObject("ratio");
        ratio.put("grace", size(q.grace()));
        ArrayNode required = ratio.putArray("required");
        q.required().forEach(step -> required.add(size(step.fromDownloaded()) + "=" + ratio(step.ratio())));
        ratio.put("exclude-freeleech", q.excludeFreeleech());
        ratio.put("seeding-credit-per-hour", size(q.seedingCreditPerHour()));
        ratio.put("embargo", duration(q.embargo()));
        ratio.put("embargo-min-ratio", ratio(q.embargoMinRatio()));
        ratio.put("embargo-min-uploaded", size(q.embargoMinUploaded()));
        ratio.put("seed-deadline", duration(q.seedDeadline()));
        ratio.put("seed-time", duration(q.seedTime()));
        ratio.put("seed-ratio", ratio(q.seedRatio()));
        ratio.put("strikes-for-upload-only", q.strikesForUploadOnly());

        ObjectNode log = root.putObject("request-log");
        log.put("enabled", c.requestLog().enabled());
        log.put("sample", c.requestLog().sample());

        TrackerConfig.Cluster cl = c.cluster();
        ObjectNode cluster = root.putObject("cluster");
        // a password in a Redis URL is a secret: printed as (redacted)
        list(cluster.putArray("redis"), cl.redis().stream().map(TrackerConfig.Cluster::redactUrl).toList());
        cluster.put("node", cl.node());
        cluster.put("shards", cl.shards());
        cluster.put("stream-max-length", cl.streamMaxLength());
        cluster.put("outbox", cl.outbox());
        cluster.put("poll-interval", duration(cl.pollInterval()));
        cluster.put("heartbeat", duration(cl.heartbeat()));
        cluster.put("key-rotation", duration(cl.keyRotation()));
        cluster.put("key-prefix", cl.keyPrefix());
        cluster.put("command-timeout", duration(cl.commandTimeout()));

        try {
            return "# The effective tracker configuration (tracker --check-config); every key, defaults included.\n"
                    + REDACTED_NOTE + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the configuration as YAML", e);
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String listen(HostPort hp) {
        return hp == null ? "off" : hp.toString();
    }

    private static String duration(Duration d) {
        return Units.formatMillis(d.toMillis());
    }

    /** Bytes in the largest unit that holds them exactly (the loader reads at most 15 digits). */
    private static String size(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }

    /** A ratio as the loader reads it: plain decimal digits, e.g. 0.4, 0 or 100. */
    private static String ratio(double r) {
        return BigDecimal.valueOf(r).stripTrailingZeros().toPlainString();
    }

    private static String path(Path p) {
        return p.toString();
    }

    private static void list(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }
}
