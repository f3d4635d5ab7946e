package dev.swarm.peerbridge;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigException;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.session.DirectoryWatcher;
import dev.swarm.peerbridge.torrent.TorrentInputException;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import dev.swarm.peerbridge.web.WebServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code peerbridge [run] --config FILE [--torrent X]...}: runs the bridge until interrupted and
 * prints {@code peerbridge ready listen=HOST:PORT api=HOST:PORT} once listening.
 * {@code peerbridge status|ranking|remove --api HOST:PORT} talk to a running one ({@link ClientCommands}).
 */
@Command(name = "peerbridge", mixinStandardHelpOptions = true, version = "peerbridge 0.1.0",
        description = "Observer peer: joins swarms, verifies trackers, exchanges them over lt_tex (BEP 28), ranks them.",
        subcommands = {Main.Run.class, ClientCommands.Ranking.class, ClientCommands.Status.class,
                ClientCommands.Remove.class})
public final class Main implements Callable<Integer> {
    @CommandLine.Mixin
    private final Run run = new Run();

    public static void main(String[] args) {
        System.exit(execute(args, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true)));
    }

    /**
     * Runs one command line with the given output streams and returns the exit code; an unexpected error is
     * one line on {@code err} ("peerbridge: ..."), never a stack trace.
     */
    static int execute(String[] args, java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("peerbridge: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws Exception {
        return run.call();
    }

    /** Runs the bridge in the foreground. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the bridge (the default command).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", description = "YAML configuration file (see conf/peerbridge.yaml)")
        Path config;

        @Option(names = "--listen", description = "peer listen address host:port (overrides the config)")
        String listen;

        @Option(names = "--api", description = "API address host:port (or http://host:port), or 'off' (overrides the config)")
        String api;

        @Option(names = "--torrent", description = "a .torrent path, magnet link, or '<info-hash> <tracker-url>...'")
        List<String> torrents = new ArrayList<>();

        @Option(names = "--dht-bootstrap", paramLabel = "HOST:PORT",
                description = "a DHT node to join through (repeatable; adds to dht.bootstrap; the DHT runs only with one)")
        List<String> dhtBootstrap = new ArrayList<>();

        @Override
        @SuppressWarnings("try") // the watcher only needs closing
        public Integer call() throws Exception {
            BridgeConfig cfg;
            try {
                cfg = config == null ? BridgeConfig.defaults() : ConfigLoader.load(config);
                cfg = Overrides.apply(cfg, listen, api == null ? null : ClientCommands.hostPort(api), torrents, dhtBootstrap);
            } catch (ConfigException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            List<TorrentSpec> specs = new ArrayList<>();
            for (String t : cfg.torrents()) {
                try {
                    specs.add(t.toLowerCase(Locale.ROOT).endsWith(".torrent") ? TorrentInputs.torrentFile(Path.of(t))
                            : TorrentInputs.line(t, "config"));
                } catch (TorrentInputException e) {
                    System.err.println("error: torrent '" + t + "': " + e.getMessage());
                    return 2;
                }
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            Bridge started;
            try {
                started = Bridge.start(cfg);
            } catch (dev.swarm.peerbridge.health.HistoryStoreException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            try (Bridge bridge = started;
                    WebServer apiServer = cfg.api() == null ? null : new WebServer(bridge, cfg.api());
                    DirectoryWatcher watcher = cfg.watchDir() == null ? null
                            : new DirectoryWatcher(cfg.watchDir(), cfg.watchInterval(), cfg.maxTorrents(), bridge)) {
                for (TorrentSpec s : specs) {
                    String refused = bridge.addTorrent(s);
                    if (refused != null) {
                        System.err.println("warning: " + refused);
                    }
                }
                // On SIGTERM/Ctrl-C the hook waits for the bridge to close, which sends stopped to the trackers.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try {
                        closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "pb-shutdown"));
                InetSocketAddress l = bridge.listenAddress();
                System.out.println("peerbridge ready listen=" + l.getHostString() + ":" + l.getPort() + " api="
                        + (apiServer == null ? "off" : apiServer.address().getHostString() + ":" + apiServer.address().getPort())
                        + " peer_id=" + bridge.peerIdText());
                System.out.flush();
                stop.await();
            } finally {
                closed.countDown();
            }
            return 0;
        }
    }
}
