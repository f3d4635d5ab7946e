package dev.swarm.tracker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the configuration. The embedded default ({@code conf/tracker.yaml}, packaged as a resource) defines
 * which keys exist: an operator's file may only set keys the default has, so unknown keys and typos are
 * rejected. Every value is validated here and a failure names the key.
 */
public final class ConfigLoader {
    static final String DEFAULT_RESOURCE = "/dev/swarm/tracker/config/tracker.yaml";

    /** Stored peer timestamps are 14-bit seconds that must not wrap within two timeouts (see SwarmStoreConfig). */
    static final int MAX_PEER_TIMEOUT_SECONDS = (1 << 13) - 1;

    /** Shortest admin token accepted: 32 characters of a random token carry well over 128 bits. */
    static final int MIN_ADMIN_TOKEN = 32;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /** The embedded default configuration file, byte for byte. */
    public static String defaultYaml() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded default configuration " + DEFAULT_RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TrackerConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * @param file      operator's YAML file, or null for the defaults alone
     * @param overrides dotted key → value text (e.g. {@code http.listen → 127.0.0.1:8080}), applied last
     */
    public static TrackerConfig load(Path file, Map<String, String> overrides) {
        ObjectNode merged = parse(defaultYaml(), "embedded default");
        if (file != null) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ConfigException("config file " + file + " does not exist");
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            JsonNode user = parseAny(text, file.toString());
            if (user != null && !user.isNull() && !user.isMissingNode()) {
                if (!user.isObject()) {
                    throw new ConfigException(file + ": the top level must be a mapping of sections (http, udp, ...)");
                }
                mergeInto(merged, (ObjectNode) user, "");
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            setPath(merged, o.getKey(), o.getValue());
        }
        return build(new Node(merged, ""));
    }

    private static ObjectNode parse(String text, String source) {
        JsonNode n = parseAny(text, source);
        if (n == null || !n.isObject()) {
            throw new ConfigException(source + ": the top level must be a mapping");
        }
        return (ObjectNode) n;
    }

    private static JsonNode parseAny(String text, String source) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(source + ": not valid YAML" + loc + ": " + e.getOriginalMessage());
        }
    }

    private static void mergeInto(ObjectNode base, ObjectNode user, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = user.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode def = base.get(e.getKey());
            if (def == null) {
                throw new ConfigException(key + ": unknown key" + suggestion(base, e.getKey(), prefix));
            }
            JsonNode val = e.getValue();
            if (def.isObject()) {
                if (val == null || val.isNull()) {
                    continue;
                }
                if (!val.isObject()) {
                    throw new ConfigException(key + ": expected a section (a mapping of keys), got '" + val.asText() + "'");
                }
                mergeInto((ObjectNode) def, (ObjectNode) val, key + ".");
            } else if (def.isArray()) {
                if (val == null || val.isNull()) {
                    base.set(e.getKey(), YAML.createArrayNode());
                    continue;
                }
                if (val.isObject()) {
                    throw new ConfigException(key + ": expected a list such as [a, b], got a mapping");
                }
                base.set(e.getKey(), val);
            } else {
                if (val.isObject() || val.isArray()) {
                    throw new ConfigException(key + ": expected a single value, got a " + (val.isObject() ? "mapping" : "list"));
                }
                base.set(e.getKey(), val);
            }
        }
    }

    private static String suggestion(ObjectNode base, String key, String prefix) {
        List<String> names = new ArrayList<>();
        base.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (n.equalsIgnoreCase(key) || n.replace("-", "").equalsIgnoreCase(key.replace("_", "").replace("-", ""))) {
                return " (did you mean '" + prefix + n + "'?)";
            }
        }
        return " (known keys here: " + String.join(", ", names) + ")";
    }

    private static void setPath(ObjectNode root, String dotted, String value) {
        String[] parts = dotted.split("\\.");
        ObjectNode cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = cur.get(parts[i]);
            if (!(next instanceof ObjectNode)) {
                throw new ConfigException(dotted + ": unknown key");
            }
            cur = (ObjectNode) next;
        }
        if (!cur.has(parts[parts.length - 1])) {
            throw new ConfigException(dotted + ": unknown key");
        }
        cur.set(parts[parts.length - 1], TextNode.valueOf(value));
    }

    private static TrackerConfig build(Node root) {
        TrackerConfig.Mode mode = root.enumValue("mode", TrackerConfig.Mode.class);
        Node http = root.section("http");
        Node udp = root.section("udp");
        Node ann = root.section("announce");
        Node scrape = root.section("scrape");
        Node store = root.section("store");

        TrackerConfig.Http h = new TrackerConfig.Http(
                http.listen("listen"),
                http.integer("io-threads", 1, 256),
                http.duration("idle-timeout", 1, 86_400),
                http.integer("max-connections", 1, 10_000_000),
                http.integer("max-connections-per-address", 1, 10_000_000),
                http.bool("expose-metrics"));
        if (h.maxConnectionsPerAddress() > h.maxConnections()) {
            throw new ConfigException("http.max-connections-per-address: must not exceed http.max-connections ("
                    + h.maxConnections() + ")");
        }

        String secretText = udp.text("connection-id-secret");
        byte[] secret = null;
        if (!secretText.isEmpty()) {
            if (!secretText.matches("[0-9a-fA-F]{32}")) {
                throw new ConfigException("udp.connection-id-secret: expected 32 hex characters (a 128-bit key) or \"\" for a random key");
            }
            secret = HexFormat.of().parseHex(secretText);
        }
        TrackerConfig.Udp u = new TrackerConfig.Udp(
                udp.listen("listen"),
                udp.integer("threads", 1, 256),
                (int) udp.size("receive-buffer", 64 * 1024, 1L << 30),
                secret,
                udp.duration("connection-id-lifetime", 60, 3600));

        TrackerConfig.Announce a = new TrackerConfig.Announce(
                ann.duration("interval", 60, 7200),
                ann.duration("min-interval", 1, 7200),
                ann.integer("default-numwant", 0, 10_000),
                ann.integer("max-numwant", 1, 10_000),
                ann.duration("peer-timeout", 60, MAX_PEER_TIMEOUT_SECONDS),
                ann.bool("trust-announced-ip"),
                ann.bool("report-external-ip"));
        if (a.minInterval().compareTo(a.interval()) > 0) {
            throw new ConfigException("announce.min-interval: must not be longer than announce.interval (" + a.interval() + ")");
        }
        if (a.peerTimeout().compareTo(a.interval()) <= 0) {
            throw new ConfigException("announce.peer-timeout: must be longer than announce.interval (" + a.interval()
                    + "), or every peer expires before its next announce");
        }
        if (a.defaultNumwant() > a.maxNumwant()) {
            throw new ConfigException("announce.default-numwant: must not exceed announce.max-numwant (" + a.maxNumwant() + ")");
        }

        Node full = scrape.section("full");
        TrackerConfig.Scrape s = new TrackerConfig.Scrape(scrape.integer("max-hashes", 1, 1000),
                new TrackerConfig.FullScrape(fullScrapeMode(full),
                        full.integer("max-swarms", 1, 1_000_000), full.duration("min-interval", 0, 86_400)));

        TrackerConfig.Store st = new TrackerConfig.Store(
                store.enumValue("type", TrackerConfig.StoreType.class),
                dataDir(store.text("data-dir"), System.getenv("XDG_STATE_HOME"), home()),
                store.longValue("max-swarms", 1, 1L << 30),
                store.integer("max-peers-per-swarm", 1, 100_000),
                store.longValue("expected-swarms", 1, 1L << 30),
                store.integer("expected-peers-per-swarm", 1, 1_000_000),
                store.enumValue("on-corrupt", TrackerConfig.OnCorrupt.class),
                store.durationMillis("sweep-interval", 1, 60_000));
        if (st.expectedSwarms() > st.maxSwarms()) {
            throw new ConfigException("store.expected-swarms: must not exceed store.max-swarms (" + st.maxSwarms() + ")");
        }
        if (st.expectedPeersPerSwarm() > st.maxPeersPerSwarm()) {
            throw new ConfigException("store.expected-peers-per-swarm: must not exceed store.max-peers-per-swarm ("
                    + st.maxPeersPerSwarm() + ")");
        }
        if (h.listen() == null && u.listen() == null) {
            throw new ConfigException("http.listen, udp.listen: both are off; enable at least one frontend");
        }
        return new TrackerConfig(mode, h, u, a, s, st, registry(root.section("registry"), st), admin(root.section("admin")),
                access(root.section("access")), proxy(root.section("proxy")), limits(root.section("limits")),
                ratio(root.section("ratio")), requestLog(root.section("request-log")),
                cluster(root.section("cluster"), u));
    }

    /** Longest node name: it is part of every stream entry and of the membership set. */
    static final int MAX_NODE_NAME = 64;

    private static TrackerConfig.Cluster cluster(Node c, TrackerConfig.Udp udp) {
        List<String> redis = c.list("redis");
        for (String url : redis) {
            if (!url.matches("(redis|rediss|redis-socket)://.+")) {
                throw new ConfigException(c.key("redis") + ": '" + TrackerConfig.Cluster.redactUrl(url)
                        + "' is not a Redis URL (redis://host:port, rediss://host:port or redis-socket:///path)");
            }
        }
        if (redis.size() > 1 && redis.stream().anyMatch(u -> u.startsWith("redis-socket:"))) {
            throw new ConfigException(c.key("redis") + ": the seeds of a Redis Cluster must be redis:// or rediss:// URLs");
        }
        String node = c.text("node");
        if (!node.matches("[A-Za-z0-9._:-]{0," + MAX_NODE_NAME + "}")) {
            throw new ConfigException(c.key("node") + ": '" + node + "' is not a node name (1 to " + MAX_NODE_NAME
                    + " letters, digits, '.', '_', ':' or '-')");
        }
        if (node.isEmpty()) {
            node = defaultNodeName();
        }
        int shards = c.integer("shards", 1, 1024);
        if (Integer.bitCount(shards) != 1) {
            throw new ConfigException(c.key("shards") + ": must be a power of two (e.g. 16), got " + shards);
        }
        String prefix = c.text("key-prefix");
        if (!prefix.matches("[A-Za-z0-9._:-]{1,32}")) {
            throw new ConfigException(c.key("key-prefix") + ": '" + prefix
                    + "' is not a key prefix (1 to 32 letters, digits, '.', '_', ':' or '-')");
        }
        TrackerConfig.Cluster out = new TrackerConfig.Cluster(redis, node, shards,
                c.longValue("stream-max-length", 1000, 100_000_000),
                c.integer("outbox", 1024, 16_777_216),
                c.durationMillis("poll-interval", 1, 10_000),
                c.durationMillis("heartbeat", 100, 600_000),
                c.duration("key-rotation", 60, 30 * 86_400),
                prefix,
                c.durationMillis("command-timeout", 10, 60_000));
        if (out.keyRotation().compareTo(udp.connectionIdLifetime()) < 0) {
            throw new ConfigException(c.key("key-rotation") + ": must not be shorter than udp.connection-id-lifetime ("
                    + udp.connectionIdLifetime() + "), or connection IDs would outlive both kept keys");
        }
        return out;
    }

    /** The host name, or "tracker" when it is unknown: a single node per host needs no configured name. */
    private static String defaultNodeName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "tracker";
            }
        }
        String name = host.replaceAll("[^A-Za-z0-9._:-]", "-");
        return name.length() > MAX_NODE_NAME ? name.substring(0, MAX_NODE_NAME) : name;
    }

    /** auto, or on/off also written as a YAML boolean (true, yes, false, no). */
    private static TrackerConfig.FullScrapeMode fullScrapeMode(Node full) {
        return switch (full.text("enabled").toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> TrackerConfig.FullScrapeMode.ON;
            case "off", "false", "no" -> TrackerConfig.FullScrapeMode.OFF;
            default -> full.enumValue("enabled", TrackerConfig.FullScrapeMode.class);
        };
    }

    private static TrackerConfig.RequestLog requestLog(Node r) {
        return new TrackerConfig.RequestLog(r.bool("enabled"), r.integer("sample", 1, 1_000_000));
    }

    /**
     * The store's directory as an absolute path: a relative one is taken against the working directory when the
     * configuration is loaded (so the path the tracker uses and prints does not depend on anything later), and an
     * empty one is the user's state directory, {@code $XDG_STATE_HOME/swarm-tracker} or
     * {@code ~/.local/state/swarm-tracker}: the same wherever the tracker is started from.
     */
    static Path dataDir(String configured, String xdgStateHome, String userHome) {
        try {
            if (!configured.isEmpty()) {
                return Path.of(configured).toAbsolutePath().normalize();
            }
            Path base = xdgStateHome != null && !xdgStateHome.isBlank() && Path.of(xdgStateHome).isAbsolute()
                    ? Path.of(xdgStateHome) : Path.of(userHome, ".local", "state");
            return base.resolve(DEFAULT_DATA_DIR_NAME).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("store.data-dir: not a valid path: " + e.getMessage());
        }
    }

    /** $HOME as the XDG spec means it (the JVM's user.home comes from the password database instead). */
    static String home() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }

    /** The directory under the user's state directory that holds the store when store.data-dir is empty. */
    static final String DEFAULT_DATA_DIR_NAME = "swarm-tracker";

    private static TrackerConfig.Registry registry(Node r, TrackerConfig.Store store) {
        String dir = r.text("data-dir");
        TrackerConfig.Registry reg = new TrackerConfig.Registry(
                dir.isEmpty() ? store.dataDir().resolve("registry") : Path.of(dir).toAbsolutePath().normalize(),
                r.durationMillis("flush-interval", 100, 300_000),
                r.integer("max-users", 1, 100_000_000),
                r.integer("max-torrents", 1, 100_000_000),
                r.longValue("max-accounts", 1, 1L << 34),
                r.integer("max-sessions", 1, 100_000_000),
                r.integer("max-sessions-per-user", 1, 100_000_000));
        if (reg.maxSessionsPerUser() > reg.maxSessions()) {
            throw new ConfigException("registry.max-sessions-per-user: must not exceed registry.max-sessions ("
                    + reg.maxSessions() + ")");
        }
        return reg;
    }

    private static TrackerConfig.Admin admin(Node a) {
        HostPort listen = a.listen("listen");
        String token = a.value("token").asText();
        if (listen != null && token.length() < MIN_ADMIN_TOKEN) {
            throw new ConfigException("admin.token: the admin API needs a token of at least " + MIN_ADMIN_TOKEN
                    + " characters (e.g. from `openssl rand -hex 32`)" + (token.isEmpty() ? "" : "; the one given is too short"));
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new ConfigException("admin.token: only printable ASCII characters without spaces are allowed");
            }
        }
        return new TrackerConfig.Admin(listen, token);
    }

    private static TrackerConfig.Access access(Node a) {
        String file = a.text("info-hash-list");
        List<String> allow = a.list("client-allow");
        List<String> deny = a.list("client-deny");
        for (String p : concat(allow, deny)) {
            if (p.length() > 20 || !p.chars().allMatch(c -> c > ' ' && c <= '~')) {
                throw new ConfigException("access.client-allow/client-deny: '" + p
                        + "' is not a peer_id prefix (1 to 20 printable ASCII characters)");
            }
        }
        return new TrackerConfig.Access(file.isEmpty() ? null : Path.of(file),
                a.enumValue("info-hash-list-mode", TrackerConfig.ListMode.class),
                a.durationMillis("reload-interval", 100, 3_600_000), allow, deny);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static TrackerConfig.Proxy proxy(Node p) {
        List<Cidr> trusted = new ArrayList<>();
        for (String c : p.list("trusted")) {
            try {
                trusted.add(Cidr.parse(c));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(p.key("trusted") + ": " + e.getMessage());
            }
        }
        return new TrackerConfig.Proxy(List.copyOf(trusted));
    }

    private static TrackerConfig.Limits limits(Node l) {
        int tracked = l.integer("tracked-addresses", 16, 1 << 24);
        if (Integer.bitCount(tracked) != 1) {
            throw new ConfigException("limits.tracked-addresses: must be a power of two (e.g. 65536), got " + tracked);
        }
        return new TrackerConfig.Limits(
                l.integer("announces-per-minute", 0, 1_000_000),
                l.integer("announce-burst", 1, 1_000_000),
                l.integer("new-swarms-per-minute", 0, 1_000_000),
                l.integer("new-swarm-burst", 1, 1_000_000),
                l.integer("unknown-passkeys-per-minute", 0, 1_000_000),
                l.integer("unknown-passkey-burst", 1, 1_000_000),
                l.integer("ban-after-invalid-ids", 0, 1_000_000),
                l.duration("ban-window", 1, 86_400),
                l.duration("ban-duration", 1, 7 * 86_400),
                tracked);
    }

    /** Most steps in {@code ratio.required}: a small table, looked up on every announce of a member. */
    static final int MAX_RATIO_STEPS = 32;

    private static TrackerConfig.Ratio ratio(Node r) {
        List<TrackerConfig.Ratio.Step> steps = new ArrayList<>();
        for (String s : r.list("required")) {
            int eq = s.indexOf('=');
            long from = eq <= 0 ? -1 : Units.parseSize(s.substring(0, eq));
            double ratio = eq <= 0 ? -1 : parseRatio(s.substring(eq + 1));
            if (from < 0 || ratio < 0 || ratio > 100) {
                throw new ConfigException(r.key("required") + ": '" + s
                        + "' is not a step; write SIZE=RATIO, e.g. [0GiB=0, 5GiB=0.4, 20GiB=0.6] (ratio 0 to 100)");
            }
            if (!steps.isEmpty() && from <= steps.get(steps.size() - 1).fromDownloaded()) {
                throw new ConfigException(r.key("required") + ": steps must be in ascending order of size; '" + s
                        + "' does not come after the one before");
            }
            steps.add(new TrackerConfig.Ratio.Step(from, ratio));
        }
        if (steps.size() > MAX_RATIO_STEPS) {
            throw new ConfigException(r.key("required") + ": at most " + MAX_RATIO_STEPS + " steps");
        }
        TrackerConfig.Ratio out = new TrackerConfig.Ratio(
                r.size("grace", 0, Long.MAX_VALUE >> 1),
                List.copyOf(steps),
                r.bool("exclude-freeleech"),
                r.size("seeding-credit-per-hour", 0, 1L << 40),
                r.duration("embargo", 0, 30 * 86_400),
                r.ratio("embargo-min-ratio"),
                r.size("embargo-min-uploaded", 0, Long.MAX_VALUE >> 1),
                r.duration("seed-time", 0, 365 * 86_400),
                r.ratio("seed-ratio"),
                r.duration("seed-deadline", 0, 365 * 86_400),
                r.integer("strikes-for-upload-only", 0, 1000));
        if (out.seedingRule() && out.seedTime().isZero() && out.seedRatio() == 0) {
            throw new ConfigException(r.key("seed-deadline") + ": a seeding requirement needs ratio.seed-time or"
                    + " ratio.seed-ratio above 0 (what meets it)");
        }
        if (out.seedingRule() && out.seedTime().compareTo(out.seedDeadline()) > 0) {
            throw new ConfigException(r.key("seed-time") + ": must not be longer than ratio.seed-deadline ("
                    + out.seedDeadline() + "), or nobody can meet it in time");
        }
        if (out.strikesForUploadOnly() > 0 && !out.seedingRule()) {
            throw new ConfigException(r.key("strikes-for-upload-only") + ": strikes come from the seeding requirement;"
                    + " set ratio.seed-deadline too, or 0 here");
        }
        return out;
    }

    /** A ratio such as 0.6, or -1. */
    private static double parseRatio(String text) {
        String t = text.trim();
        if (!t.matches("[0-9]{1,3}(\\.[0-9]{1,4})?")) {
            return -1;
        }
        return Double.parseDouble(t);
    }

    /** A section of the tree with its dotted path, for error messages. */
    private record Node(ObjectNode obj, String path) {
        Node section(String name) {
            JsonNode n = obj.get(name);
            if (!(n instanceof ObjectNode o)) {
                throw new ConfigException(key(name) + ": missing section");
            }
            return new Node(o, key(name));
        }

        String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        JsonNode value(String name) {
            JsonNode n = obj.get(name);
            if (n == null || n.isNull()) {
                throw new ConfigException(key(name) + ": a value is required");
            }
            return n;
        }

        String text(String name) {
            return value(name).asText().trim();
        }

        /** A list given as a YAML sequence of scalars or as comma-separated text; empty entries are dropped. */
        List<String> list(String name) {
            JsonNode n = obj.get(name);
            List<String> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (n.isArray()) {
                for (JsonNode e : n) {
                    if (e.isContainerNode()) {
                        throw new ConfigException(key(name) + ": list entries must be single values");
                    }
                    if (!e.asText().isBlank()) {
                        out.add(e.asText().trim());
                    }
                }
            } else {
                for (String part : n.asText().split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
            return List.copyOf(out);
        }

        HostPort listen(String name) {
            String t = text(name);
            if (t.equalsIgnoreCase("off") || t.equals("false")) {
                return null;
            }
            try {
                return HostPort.parse(t);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key(name) + ": " + e.getMessage());
            }
        }

        boolean bool(String name) {
            JsonNode n = value(name);
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            String t = n.asText().trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new ConfigException(key(name) + ": expected true or false, got '" + n.asText() + "'");
            };
        }

        long longValue(String name, long min, long max) {
            JsonNode n = value(name);
            long v;
            if (n.canConvertToLong() && n.isIntegralNumber()) {
                v = n.longValue();
            } else {
                try {
                    v = Long.parseLong(n.asText().trim().replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new ConfigException(key(name) + ": expected a whole number, got '" + n.asText() + "'");
                }
            }
            if (v < min || v > max) {
                throw new ConfigException(key(name) + ": must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        }

        /** A ratio: 0 to 100, up to 4 decimals. */
        double ratio(String name) {
            double v = parseRatio(text(name));
            if (v < 0 || v > 100) {
                throw new ConfigException(key(name) + ": expected a ratio from 0 to 100 such as 0.6, got '" + text(name) + "'");
            }
            return v;
        }

        int integer(String name, int min, int max) {
            return (int) longValue(name, min, max);
        }

        Duration duration(String name, long minSeconds, long maxSeconds) {
            return durationMillis(name, minSeconds * 1000, maxSeconds * 1000);
        }

        Duration durationMillis(String name, long minMs, long maxMs) {
            String t = text(name).toLowerCase(Locale.ROOT);
            long ms = Units.parseDurationMillis(t);
            if (ms < 0) {
                throw new ConfigException(key(name) + ": expected a duration with a unit (e.g. 250ms, 90s, 30m, 2h), got '" + text(name) + "'");
            }
            if (ms < minMs || ms > maxMs) {
                throw new ConfigException(key(name) + ": must be between " + Units.formatMillis(minMs) + " and "
                        + Units.formatMillis(maxMs) + ", got " + text(name));
            }
            return Duration.ofMillis(ms);
        }

        long size(String name, long min, long max) {
            long v = Units.parseSize(text(name));
            if (v < 0) {
                throw new ConfigException(key(name) + ": expected a size such as 4MiB, 512KiB or a number of bytes, got '" + text(name) + "'");
            }
            if (v < min || v > max) {
                throw new ConfigException(key(name) + ": must be between " + min + " and " + max + " bytes, got " + text(name));
            }
            return v;
        }

        <E extends Enum<E>> E enumValue(String name, Class<E> type) {
            String t = text(name);
            for (E e : type.getEnumConstants()) {
                if (e.name().replace('_', '-').equalsIgnoreCase(t)) {
                    return e;
                }
            }
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new ConfigException(key(name) + ": expected one of " + String.join(", ", allowed) + ", got '" + t + "'");
        }
    }
}
