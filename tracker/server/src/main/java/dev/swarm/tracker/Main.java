package dev.swarm.tracker;

import dev.swarm.tracker.config.ConfigException;
import dev.swarm.tracker.config.HeapBudget;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.ConfigYaml;
import dev.swarm.tracker.config.TrackerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The {@code tracker} command. Its few options are parsed here rather than with an option library: the
 * tracker's restart time is a target, and picocli (class files of Java 5, which the JVM's start-up cache
 * cannot hold) cost about 0.3 s of every start on this kind of machine.
 */
public final class Main {
    /** Environment variable that sets admin.token, keeping the secret out of config files and process lists. */
    static final String ADMIN_TOKEN_ENV = "TRACKER_ADMIN_TOKEN";
    static final String VERSION = "tracker 0.1.0";

    /** Options that take a value: names, the config key they override (null: none), and their help. */
    private record ValueOption(List<String> names, String param, String key, String help) {
    }

    private static final List<ValueOption> VALUE_OPTIONS = List.of(
            new ValueOption(List.of("-c", "--config"), "FILE", null,
                    "YAML configuration file; keys not set there take the embedded defaults."),
            new ValueOption(List.of("--http"), "ADDR:PORT", "http.listen",
                    "HTTP listen address (overrides http.listen; 'off' disables)."),
            new ValueOption(List.of("--udp"), "ADDR:PORT", "udp.listen",
                    "UDP listen address (overrides udp.listen; 'off' disables)."),
            new ValueOption(List.of("--data-dir"), "DIR", "store.data-dir",
                    "Directory of the off-heap store (overrides store.data-dir)."),
            new ValueOption(List.of("--store"), "offheap|heap", "store.type",
                    "Store implementation (overrides store.type)."),
            new ValueOption(List.of("--mode"), "public|private", "mode", "Tracking mode (overrides mode)."),
            new ValueOption(List.of("--admin"), "ADDR:PORT", "admin.listen",
                    "Admin API listen address (overrides admin.listen; 'off' disables)."),
            new ValueOption(List.of("--cluster"), "URL[,URL...]", "cluster.redis",
                    "Redis URL (or Redis Cluster seeds) shared by the nodes of a tier (overrides cluster.redis)."),
            new ValueOption(List.of("--node"), "NAME", "cluster.node", "This node's name in the cluster (overrides cluster.node)."),
            new ValueOption(List.of("--log-level"), "LEVEL", null,
                    "Log level: error, warn, info (the default), debug or trace."));

    /** Levels {@code --log-level} takes. */
    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /** What the command line asks for. */
    record Args(Path config, Map<String, String> overrides, boolean printDefaultConfig, boolean checkConfig,
                boolean help, boolean version, String logLevel) {
    }

    /** A command line that cannot be understood; the message says why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] argv) {
        Args args;
        try {
            args = parse(argv);
        } catch (UsageException e) {
            System.err.println("tracker: " + e.getMessage());
            System.err.println("Try 'tracker --help'.");
            return 2;
        }
        if (args.help()) {
            System.out.print(usage());
            return 0;
        }
        if (args.version()) {
            System.out.println(VERSION);
            return 0;
        }
        try {
            return call(args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            System.err.println("tracker: internal error");
            e.printStackTrace();
            return 1;
        }
    }

    /** Parses {@code --name value} and {@code --name=value} forms; flags take no value. */
    static Args parse(String[] argv) throws UsageException {
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean printDefault = false;
        boolean check = false;
        boolean help = false;
        boolean version = false;
        String logLevel = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            String name = a;
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            switch (name) {
                case "--print-default-config" -> printDefault = flag(name, inline);
                case "--check-config" -> check = flag(name, inline);
                case "-h", "--help" -> help = flag(name, inline);
                case "-V", "--version" -> version = flag(name, inline);
                default -> {
                    ValueOption o = valueOption(name);
                    if (o == null) {
                        throw new UsageException(a.startsWith("-") ? "unknown option '" + a + "'"
                                : "unexpected argument '" + a + "' (the tracker takes options only)");
                    }
                    String value;
                    if (inline != null) {
                        value = inline;
                    } else if (i + 1 < argv.length) {
                        value = argv[++i];
                    } else {
                        throw new UsageException("option '" + name + "' needs a value (" + o.param() + ")");
                    }
                    if (o.names().contains("--log-level")) {
                        logLevel = value.toLowerCase(Locale.ROOT);
                        if (!LOG_LEVELS.contains(logLevel)) {
                            throw new UsageException("option '--log-level' takes one of " + String.join(", ", LOG_LEVELS)
                                    + ", not '" + value + "'");
                        }
                    } else if (o.key() == null) {
                        config = Path.of(value);
                    } else {
                        overrides.put(o.key(), value);
                    }
                }
            }
        }
        return new Args(config, overrides, printDefault, check, help, version, logLevel);
    }

    private static ValueOption valueOption(String name) {
        for (ValueOption o : VALUE_OPTIONS) {
            if (o.names().contains(name)) {
                return o;
            }
        }
        return null;
    }

    private static boolean flag(String name, String inline) throws UsageException {
        if (inline != null) {
            throw new UsageException("option '" + name + "' takes no value");
        }
        return true;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: tracker [OPTIONS]\n")
                .append("BitTorrent tracker: HTTP and UDP announce and scrape over an off-heap swarm store.\n");
        for (ValueOption o : VALUE_OPTIONS) {
            line(sb, String.join(", ", o.names()) + "=" + o.param(), o.help());
        }
        line(sb, "--print-default-config", "Print the embedded default configuration (every key, commented) and exit.");
        line(sb, "--check-config", "Validate the configuration, print it as YAML for --config (secrets redacted) and exit.");
        line(sb, "-h, --help", "Show this help message and exit.");
        line(sb, "-V, --version", "Print version information and exit.");
        sb.append("The admin token may also come from the environment variable ").append(ADMIN_TOKEN_ENV).append(".\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String option, String help) {
        sb.append("  ").append(option);
        sb.append(" ".repeat(Math.max(1, 30 - option.length()))).append(help).append('\n');
    }

    private static int call(Args args) throws InterruptedException {
        if (args.logLevel() != null) {
            setLogLevel(args.logLevel());
        }
        if (args.printDefaultConfig()) {
            System.out.print(ConfigLoader.defaultYaml());
            return 0;
        }
        Map<String, String> overrides = new LinkedHashMap<>(args.overrides());
        String token = System.getenv(ADMIN_TOKEN_ENV);
        if (token != null && !token.isEmpty()) {
            overrides.put("admin.token", token);
        }
        TrackerConfig cfg;
        try {
            cfg = ConfigLoader.load(args.config(), overrides);
            HeapBudget.of(cfg).check(Runtime.getRuntime().maxMemory());
        } catch (ConfigException e) {
            System.err.println("tracker: configuration error: " + e.getMessage());
            return 2;
        }
        if (args.checkConfig()) {
            System.out.print(ConfigYaml.print(cfg));
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Tracker tracker;
        try {
            tracker = Tracker.start(cfg);
        } catch (Tracker.StartException e) {
            System.err.println("tracker: " + e.getMessage());
            return 1;
        }
        HangupReload.install(tracker);
        System.out.println("tracker ready"
                + (tracker.httpAddress() == null ? "" : " http=" + text(tracker.httpAddress()))
                + (tracker.udpAddress() == null ? "" : " udp=" + text(tracker.udpAddress()))
                + (tracker.adminAddress() == null ? "" : " admin=" + text(tracker.adminAddress()))
                + " store=" + (cfg.store().type() == TrackerConfig.StoreType.HEAP ? "heap" : cfg.store().dataDir()));
        System.out.flush();
        markStartupCacheTrained();
        stop.await();
        tracker.close();
        System.out.println("tracker stopped");
        return 0;
    }

    /** Sets the root logger's level (Logback is the tracker's logging backend, see conf/logback.xml). */
    private static void setLogLevel(String level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(level));
        }
    }

    /**
     * scripts/run trains the JVM's start-up cache on the first run after a build and uses the cache only once this
     * marker exists, i.e. the training run got as far as serving (a run that stops on a bad option also writes a
     * cache, of nearly nothing).
     */
    private static void markStartupCacheTrained() {
        String marker = System.getProperty("tracker.startup-cache.marker");
        if (marker == null || marker.isEmpty()) {
            return;
        }
        try {
            java.nio.file.Files.writeString(Path.of(marker), "trained by a serving run\n");
        } catch (java.io.IOException e) {
            System.err.println("tracker: cannot write " + marker + " (" + e + "); the start-up cache will be trained again");
        }
    }

    private static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
