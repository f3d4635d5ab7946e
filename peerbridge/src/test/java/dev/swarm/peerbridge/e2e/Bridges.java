package dev.swarm.peerbridge.e2e;

import dev.swarm.peerbridge.config.BridgeConfig;
import dev.swarm.peerbridge.config.ConfigLoader;
import dev.swarm.peerbridge.session.Bridge;
import dev.swarm.peerbridge.torrent.TorrentInputs;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Test helpers: bridges with fast timers on loopback, reading their status, waiting with a deadline. */
final class Bridges {
    private Bridges() {
    }

    /** A fresh data directory under target/ (the history file of one test bridge). */
    static String dataDir() throws java.io.IOException {
        java.nio.file.Path base = java.nio.file.Path.of("target", "bridge-data");
        java.nio.file.Files.createDirectories(base);
        return java.nio.file.Files.createTempDirectory(base, "bridge").toAbsolutePath().toString();
    }

    /**
     * A bridge on 127.0.0.1 with lt_tex every second and re-announces every second; learned trackers on
     * loopback are allowed (the trackers of these tests are on 127.0.0.1).
     */
    static Bridge start(String torrentLine, String extraYaml) throws Exception {
        BridgeConfig c = ConfigLoader.parse("data-dir: \"" + dataDir() + "\"\n" + """
                listen: 127.0.0.1:0
                api: ""
                connections:
                  redial-delay: 1s
                  handshake-timeout: 5s
                trackers:
                  announce-timeout: 2s
                  min-interval: 1s
                  udp-bind: 127.0.0.1:0
                tex:
                  initial-delay: 0s
                  interval: 1s
                  allow-private-addresses: true
                """ + extraYaml);
        Bridge b = Bridge.start(c);
        if (torrentLine != null) {
            String refused = b.addTorrent(TorrentInputs.line(torrentLine, "test"));
            if (refused != null) {
                b.close();
                throw new IllegalStateException(refused);
            }
        }
        return b;
    }

    static InetSocketAddress address(Bridge b) {
        return new InetSocketAddress("127.0.0.1", b.listenAddress().getPort());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> torrent(Bridge b, String infoHashHex) {
        for (Object t : (List<Object>) b.status().get("torrents")) {
            Map<String, Object> m = (Map<String, Object>) t;
            if (m.get("infoHash").equals(infoHashHex)) {
                return m;
            }
        }
        throw new AssertionError("no torrent " + infoHashHex);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> tracker(Bridge b, String ih, String url) {
        for (Object t : (List<Object>) torrent(b, ih).get("trackers")) {
            Map<String, Object> m = (Map<String, Object>) t;
            if (m.get("url").equals(url)) {
                return m;
            }
        }
        return null;
    }

    static String status(Bridge b, String ih, String url) {
        Map<String, Object> t = tracker(b, ih, url);
        return t == null ? null : (String) t.get("status");
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Bridge b, String ih, String key) {
        return (List<String>) torrent(b, ih).get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> peers(Bridge b, String ih) {
        return (List<Object>) torrent(b, ih).get("peers");
    }

    /** Polls every 50 ms until the condition holds, failing with {@code what} after the timeout. */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    static boolean is(Object a, Object b) {
        return Objects.equals(a, b);
    }
}
