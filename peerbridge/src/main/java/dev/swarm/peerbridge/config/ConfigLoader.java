package dev.swarm.peerbridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.swarm.peerbridge.tex.TexPolicy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code peerbridge.yaml}: every key optional (defaults below and in conf/peerbridge.yaml),
 * unknown keys rejected with their path named, each value checked with a message naming the key.
 * Durations are written {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or {@code 7d}; addresses
 * {@code host:port}.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final int MAX_FILE = 1 << 20;

    private ConfigLoader() {
    }

    /** Reads and validates a file. */
    public static BridgeConfig load(Path file) throws ConfigException {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new ConfigException(file + ": larger than " + MAX_FILE + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.getParent());
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates YAML text; relative paths stay relative to the working directory. */
    public static BridgeConfig parse(String yaml) throws ConfigException {
        return parse(yaml, null);
    }

    private static BridgeConfig parse(String yaml, Path base) throws ConfigException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        Raw raw;
        try {
            raw = yaml.isBlank() ? new Raw() : mapper.readValue(yaml, Raw.class);
            if (raw == null) {
                raw = new Raw();
            }
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown key '" + path(e) + "'" + " (known here: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException("bad value for '" + path(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("not valid YAML: " + e.getOriginalMessage());
        }
        return raw.validate(base);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    static Duration duration(String key, String value) throws ConfigException {
        Matcher m = DURATION.matcher(value == null ? "" : value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException("bad value for '" + key + "': '" + value + "' is not a duration like 500ms, 10s, 2m, 1h, 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofHours(n);
        };
    }

    /** Parses {@code host:port}; the message names {@code key}. */
    public static InetSocketAddress address(String key, String value) throws ConfigException {
        String v = value == null ? "" : value.strip();
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException("bad value for '" + key + "': '" + value + "' is not host:port");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("bad value for '" + key + "': port of '" + value + "' is not a number");
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new ConfigException("bad value for '" + key + "': '" + value + "' needs a host and a port 0..65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new ConfigException("bad value for '" + key + "': host of '" + value + "' does not resolve");
        }
        return a;
    }

    static int range(String key, int value, int min, int max) throws ConfigException {
        if (value < min || value > max) {
            throw new ConfigException("bad value for '" + key + "': " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    static Duration positive(String key, String value) throws ConfigException {
        Duration d = duration(key, value);
        if (d.isZero()) {
            throw new ConfigException("bad value for '" + key + "': must be more than 0");
        }
        return d;
    }

    /** The YAML shape; field initialisers are the defaults. */
    static final class Raw {
        @JsonProperty("listen") String listen = "0.0.0.0:6881";
        @JsonProperty("api") String api = "127.0.0.1:7881";
        @JsonProperty("client-name") String clientName = "peerbridge/0.1.0";
        @JsonProperty("peer-id-prefix") String peerIdPrefix = "-PB0010-";
        @JsonProperty("max-torrents") int maxTorrents = 100;
        @JsonProperty("connections") RawConnections connections = new RawConnections();
        @JsonProperty("trackers") RawTrackers trackers = new RawTrackers();
        @JsonProperty("tex") RawTex tex = new RawTex();
        @JsonProperty("torrents") List<String> torrents = new ArrayList<>();
        @JsonProperty("watch-dir") String watchDir = "";
        @JsonProperty("watch-interval") String watchInterval = "5s";
        @JsonProperty("metadata") RawMetadata metadata = new RawMetadata();
        @JsonProperty("pex") RawPex pex = new RawPex();
        @JsonProperty("dht") RawDht dht = new RawDht();
        @JsonProperty("data-dir") String dataDir = "";
        @JsonProperty("health") RawHealth health = new RawHealth();

        BridgeConfig validate(Path base) throws ConfigException {
            if (health == null || health.history == null || health.alerts == null) {
                throw new ConfigException("'health', 'health.history' and 'health.alerts' must be mappings (omit them for defaults)");
            }
            if (connections == null || trackers == null || tex == null || dht == null) {
                throw new ConfigException("'connections', 'trackers', 'tex' and 'dht' must be mappings (omit them for defaults)");
            }
            if (peerIdPrefix == null || peerIdPrefix.getBytes(StandardCharsets.UTF_8).length > 12) {
                throw new ConfigException("bad value for 'peer-id-prefix': at most 12 bytes");
            }
            if (clientName == null || clientName.isBlank() || clientName.length() > 100) {
                throw new ConfigException("bad value for 'client-name': 1..100 characters");
            }
            Path dir = watchDir == null || watchDir.isBlank() ? null : Path.of(watchDir);
            if (dir != null && base != null && !dir.isAbsolute()) {
                dir = base.resolve(dir);
            }
            List<String> inputs = new ArrayList<>();
            for (String t : torrents == null ? List.<String>of() : torrents) {
                if (t == null || t.isBlank()) {
                    throw new ConfigException("bad value in 'torrents': empty entry");
                }
                String s = t.strip();
                if (s.toLowerCase(Locale.ROOT).endsWith(".torrent") && base != null && !Path.of(s).isAbsolute()) {
                    s = base.resolve(s).toString();
                }
                inputs.add(s);
            }
            Path data = RawHealth.dataDir(dataDir, base);
            return new BridgeConfig(address("listen", listen),
                    api == null || api.isBlank() ? null : address("api", api), clientName, peerIdPrefix,
                    range("max-torrents", maxTorrents, 1, 100_000), connections.validate(), trackers.validate(),
                    tex.validate(), tex.enabled, inputs, dir, positive("watch-interval", watchInterval),
                    RawMetadata.exchange(metadata, pex, base, data), dht.validate(data),
                    health.validate(data));
        }
    }

    static final class RawConnections {
        @JsonProperty("max-total") int maxTotal = 200;
        @JsonProperty("max-per-torrent") int maxPerTorrent = 30;
        @JsonProperty("connect-timeout") String connectTimeout = "10s";
        @JsonProperty("handshake-timeout") String handshakeTimeout = "10s";
        @JsonProperty("idle-timeout") String idleTimeout = "180s";
        @JsonProperty("keepalive-interval") String keepaliveInterval = "60s";
        @JsonProperty("max-message-size") int maxMessageSize = 1 << 20;
        @JsonProperty("redial-delay") String redialDelay = "60s";
        @JsonProperty("max-known-peers") int maxKnownPeers = 500;
        @JsonProperty("max-per-address") int maxPerAddress = 4;

        BridgeConfig.Connections validate() throws ConfigException {
            Duration idle = positive("connections.idle-timeout", idleTimeout);
            Duration keepalive = positive("connections.keepalive-interval", keepaliveInterval);
            if (keepalive.compareTo(idle) >= 0) {
                throw new ConfigException("bad value for 'connections.keepalive-interval': must be shorter than idle-timeout");
            }
            return new BridgeConfig.Connections(range("connections.max-total", maxTotal, 1, 100_000),
                    range("connections.max-per-torrent", maxPerTorrent, 1, 10_000),
                    positive("connections.connect-timeout", connectTimeout),
                    positive("connections.handshake-timeout", handshakeTimeout), idle, keepalive,
                    range("connections.max-message-size", maxMessageSize, 16 * 1024 + 13, 16 << 20),
                    positive("connections.redial-delay", redialDelay),
                    range("connections.max-known-peers", maxKnownPeers, 1, 1_000_000),
                    range("connections.max-per-address", maxPerAddress, 1, 100_000));
        }
    }

    static final class RawTrackers {
        @JsonProperty("announce-timeout") String announceTimeout = "10s";
        @JsonProperty("max-concurrent-announces") int maxConcurrent = 64;
        @JsonProperty("numwant") int numwant = 50;
        @JsonProperty("announce-to-all") boolean announceToAll = true;
        @JsonProperty("min-interval") String minInterval = "60s";
        @JsonProperty("max-interval") String maxInterval = "30m";
        @JsonProperty("ranking-window") String rankingWindow = "60m";
        @JsonProperty("max-peers-per-tracker") int maxPeersPerTracker = 2000;
        @JsonProperty("udp-bind") String udpBind = "0.0.0.0:0";

        BridgeConfig.Trackers validate() throws ConfigException {
            Duration min = duration("trackers.min-interval", minInterval);
            Duration max = positive("trackers.max-interval", maxInterval);
            if (min.compareTo(max) > 0) {
                throw new ConfigException("bad value for 'trackers.min-interval': larger than max-interval");
            }
            return new BridgeConfig.Trackers(positive("trackers.announce-timeout", announceTimeout),
                    range("trackers.max-concurrent-announces", maxConcurrent, 1, 10_000),
                    range("trackers.numwant", numwant, 0, 1000), announceToAll, min, max,
                    positive("trackers.ranking-window", rankingWindow),
                    range("trackers.max-peers-per-tracker", maxPeersPerTracker, 1, 1_000_000),
                    address("trackers.udp-bind", udpBind));
        }
    }

    static final class RawDht {
        @JsonProperty("bootstrap") List<String> bootstrap = new ArrayList<>();
        @JsonProperty("listen") String listen = "0.0.0.0:6881";
        @JsonProperty("read-only") boolean readOnly = true;
        @JsonProperty("state-file") String stateFile = "dht-state.txt";
        @JsonProperty("lookup-interval") String lookupInterval = "5m";
        @JsonProperty("query-timeout") String queryTimeout = "5s";
        @JsonProperty("max-nodes") int maxNodes = 1000;
        @JsonProperty("max-outstanding") int maxOutstanding = 256;
        @JsonProperty("source-rate") int sourceRate = 5;
        @JsonProperty("source-burst") int sourceBurst = 20;
        @JsonProperty("total-rate") int totalRate = 500;
        @JsonProperty("max-stored-peers") int maxStoredPeers = 10_000;
        @JsonProperty("peer-ttl") String peerTtl = "30m";

        BridgeConfig.Dht validate(Path data) throws ConfigException {
            List<InetSocketAddress> nodes = new ArrayList<>();
            for (String b : bootstrap == null ? List.<String>of() : bootstrap) {
                nodes.add(unresolved("dht.bootstrap", b));
            }
            // relative to the data directory (like the history and the metadata), not to the config file's
            // directory, which may be read-only (/etc)
            Path state = stateFile == null || stateFile.isBlank() ? null : Path.of(stateFile.strip());
            if (state != null && !state.isAbsolute()) {
                state = data.resolve(state);
            }
            return new BridgeConfig.Dht(nodes, address("dht.listen", listen), readOnly, state,
                    positive("dht.lookup-interval", lookupInterval), positive("dht.query-timeout", queryTimeout),
                    range("dht.max-nodes", maxNodes, 8, 100_000), range("dht.max-outstanding", maxOutstanding, 3, 10_000),
                    range("dht.source-rate", sourceRate, 1, 10_000), range("dht.source-burst", sourceBurst, 1, 10_000),
                    range("dht.total-rate", totalRate, 1, 1_000_000),
                    range("dht.max-stored-peers", maxStoredPeers, 0, 1_000_000), positive("dht.peer-ttl", peerTtl));
        }
    }

    /**
     * Parses {@code host:port} without resolving the name (DHT bootstrap nodes are resolved when the node
     * starts, off the config thread); the message names {@code key}.
     */
    public static InetSocketAddress unresolved(String key, String value) throws ConfigException {
        String v = value == null ? "" : value.strip();
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "" : v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new ConfigException("bad value for '" + key + "': '" + value + "' is not host:port with a port 1..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    static final class RawTex {
        @JsonProperty("enabled") boolean enabled = true;
        @JsonProperty("trust-torrent-trackers") boolean trustTorrentTrackers = false;
        @JsonProperty("max-learned") int maxLearned = 50;
        @JsonProperty("learned-failure-limit") int learnedFailureLimit = 1;
        @JsonProperty("failures-before-withdraw") int failuresBeforeWithdraw = 1;
        @JsonProperty("initial-delay") String initialDelay = "6s";
        @JsonProperty("interval") String interval = "120s";
        @JsonProperty("max-urls-per-message") int maxUrlsPerMessage = 200;
        @JsonProperty("allow-private-addresses") boolean allowPrivateAddresses = false;

        TexPolicy validate() throws ConfigException {
            return new TexPolicy(trustTorrentTrackers, range("tex.max-learned", maxLearned, 0, 10_000),
                    range("tex.learned-failure-limit", learnedFailureLimit, 1, 1000),
                    range("tex.failures-before-withdraw", failuresBeforeWithdraw, 1, 1000),
                    duration("tex.initial-delay", initialDelay), positive("tex.interval", interval),
                    range("tex.max-urls-per-message", maxUrlsPerMessage, 1, 100_000), allowPrivateAddresses);
        }
    }

    static final class RawMetadata {
        @JsonProperty("max-size") String maxSize = "30MiB";
        @JsonProperty("max-outstanding") int maxOutstanding = 8;
        @JsonProperty("request-timeout") String requestTimeout = "20s";
        @JsonProperty("dir") String dir = "";

        /** The {@code metadata} and {@code pex} sections together. */
        static BridgeConfig.Exchange exchange(RawMetadata m, RawPex p, Path base, Path dataDir) throws ConfigException {
            if (m == null || p == null) {
                throw new ConfigException("'metadata' and 'pex' must be mappings (omit them for defaults)");
            }
            Path d = m.dir == null || m.dir.isBlank() ? dataDir.resolve("metadata") : Path.of(m.dir);
            if (d != null && base != null && !d.isAbsolute()) {
                d = base.resolve(d);
            }
            Duration interval = positive("pex.interval", p.interval);
            if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new ConfigException("bad value for 'pex.interval': BEP 11 allows at most one message a minute (60s or more)");
            }
            return new BridgeConfig.Exchange(size("metadata.max-size", m.maxSize, 16 * 1024, 512L << 20),
                    range("metadata.max-outstanding", m.maxOutstanding, 1, 1000),
                    positive("metadata.request-timeout", m.requestTimeout), d, p.enabled, interval);
        }

        private static long size(String key, String value, long min, long max) throws ConfigException {
            Matcher x = Pattern.compile("(\\d{1,12})(B|KiB|MiB|GiB)?").matcher(value == null ? "" : value.strip());
            if (!x.matches()) {
                throw new ConfigException("bad value for '" + key + "': '" + value + "' is not a size like 30MiB, 512KiB, 4096");
            }
            long n = Long.parseLong(x.group(1));
            String unit = x.group(2) == null ? "B" : x.group(2);
            long bytes = switch (unit) {
                case "KiB" -> n << 10;
                case "MiB" -> n << 20;
                case "GiB" -> n << 30;
                default -> n;
            };
            if (n > (1L << 33) || bytes < min || bytes > max) {
                throw new ConfigException("bad value for '" + key + "': " + value + " is outside " + min + ".." + max + " bytes");
            }
            return bytes;
        }
    }

    static final class RawPex {
        @JsonProperty("enabled") boolean enabled = true;
        @JsonProperty("interval") String interval = "60s";
    }
    static final class RawHealth {
        @JsonProperty("probe-interval") String probeInterval = "60s";
        @JsonProperty("probe-timeout") String probeTimeout = "10s";
        @JsonProperty("last-n") int lastN = 100;
        @JsonProperty("history") RawHistory history = new RawHistory();
        @JsonProperty("alerts") RawAlerts alerts = new RawAlerts();

        static final class RawHistory {
            @JsonProperty("raw-retention") String rawRetention = "7d";
            @JsonProperty("rollup-retention") String rollupRetention = "90d";
            @JsonProperty("flush-interval") String flushInterval = "1s";
        }

        static final class RawAlerts {
            @JsonProperty("webhook") String webhook = "";
            @JsonProperty("timeout") String timeout = "5s";
            @JsonProperty("queue") int queue = 100;
        }

        /** {@code data-dir}, else $XDG_STATE_HOME/peerbridge, else ~/.local/state/peerbridge. */
        static Path dataDir(String value, Path base) throws ConfigException {
            if (value != null && !value.isBlank()) {
                Path p = Path.of(value.strip());
                return base != null && !p.isAbsolute() ? base.resolve(p) : p;
            }
            String xdg = System.getenv("XDG_STATE_HOME");
            if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
                return Path.of(xdg, "peerbridge");
            }
            String home = System.getProperty("user.home");
            if (home == null || home.isBlank()) {
                throw new ConfigException("bad value for 'data-dir': not set and no home directory to default to");
            }
            return Path.of(home, ".local", "state", "peerbridge");
        }

        BridgeConfig.Health validate(Path dataDir) throws ConfigException {
            java.net.URI hook = null;
            if (alerts.webhook != null && !alerts.webhook.isBlank()) {
                try {
                    hook = new java.net.URI(alerts.webhook.strip());
                } catch (java.net.URISyntaxException e) {
                    throw new ConfigException("bad value for 'health.alerts.webhook': " + e.getMessage());
                }
                String scheme = hook.getScheme() == null ? "" : hook.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || hook.getHost() == null) {
                    throw new ConfigException("bad value for 'health.alerts.webhook': '" + alerts.webhook
                            + "' is not an http(s) URL with a host");
                }
            }
            Duration raw = positive("health.history.raw-retention", history.rawRetention);
            Duration rollup = positive("health.history.rollup-retention", history.rollupRetention);
            if (raw.compareTo(rollup) > 0) {
                throw new ConfigException("bad value for 'health.history.raw-retention': longer than rollup-retention");
            }
            return new BridgeConfig.Health(dataDir, positive("health.probe-interval", probeInterval),
                    positive("health.probe-timeout", probeTimeout), range("health.last-n", lastN, 1, 100_000), raw,
                    rollup, positive("health.history.flush-interval", history.flushInterval), hook,
                    positive("health.alerts.timeout", alerts.timeout), range("health.alerts.queue", alerts.queue, 1, 100_000));
        }
    }
}
