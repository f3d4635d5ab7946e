package dev.swarm.tracker;

import dev.swarm.tracker.config.ConfigException;
import dev.swarm.tracker.config.ConfigLoader;
import dev.swarm.tracker.config.TrackerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** The {@code tracker} command. */
@Command(name = "tracker", mixinStandardHelpOptions = true, version = "tracker 0.1.0",
        description = "BitTorrent tracker: HTTP and UDP announce and scrape over an off-heap swarm store.",
        sortOptions = false)
public final class Main implements Callable<Integer> {
    /** Environment variable that sets admin.token, keeping the secret out of config files and process lists. */
    static final String ADMIN_TOKEN_ENV = "TRACKER_ADMIN_TOKEN";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file; keys not set there take the embedded defaults.")
    Path config;

    @Option(names = "--http", paramLabel = "ADDR:PORT", description = "HTTP listen address (overrides http.listen; 'off' disables).")
    String http;

    @Option(names = "--udp", paramLabel = "ADDR:PORT", description = "UDP listen address (overrides udp.listen; 'off' disables).")
    String udp;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the off-heap store (overrides store.data-dir).")
    String dataDir;

    @Option(names = "--store", paramLabel = "offheap|heap", description = "Store implementation (overrides store.type).")
    String store;

    @Option(names = "--mode", paramLabel = "public|private", description = "Tracking mode (overrides mode).")
    String mode;

    @Option(names = "--admin", paramLabel = "ADDR:PORT", description = "Admin API listen address (overrides admin.listen; 'off' disables).")
    String admin;

    @Option(names = "--print-default-config", description = "Print the embedded default configuration (every key, commented) and exit.")
    boolean printDefaultConfig;

    @Option(names = "--check-config", description = "Validate the configuration, print the effective values and exit.")
    boolean checkConfig;

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        if (printDefaultConfig) {
            System.out.print(ConfigLoader.defaultYaml());
            return 0;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (http != null) {
            overrides.put("http.listen", http);
        }
        if (udp != null) {
            overrides.put("udp.listen", udp);
        }
        if (dataDir != null) {
            overrides.put("store.data-dir", dataDir);
        }
        if (store != null) {
            overrides.put("store.type", store);
        }
        if (mode != null) {
            overrides.put("mode", mode);
        }
        if (admin != null) {
            overrides.put("admin.listen", admin);
        }
        String token = System.getenv(ADMIN_TOKEN_ENV);
        if (token != null && !token.isEmpty()) {
            overrides.put("admin.token", token);
        }
        TrackerConfig cfg;
        try {
            cfg = ConfigLoader.load(config, overrides);
        } catch (ConfigException e) {
            System.err.println("tracker: configuration error: " + e.getMessage());
            return 2;
        }
        if (checkConfig) {
            System.out.println(cfg);
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
        System.out.println("tracker ready"
                + (tracker.httpAddress() == null ? "" : " http=" + text(tracker.httpAddress()))
                + (tracker.udpAddress() == null ? "" : " udp=" + text(tracker.udpAddress()))
                + (tracker.adminAddress() == null ? "" : " admin=" + text(tracker.adminAddress())));
        System.out.flush();
        stop.await();
        tracker.close();
        System.out.println("tracker stopped");
        return 0;
    }

    private static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
