package dev.swarm.peerbridge.e2e;

import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * This project's tracker ({@link Tracker}) in the test's JVM, HTTP and UDP on loopback: first on
 * port 0, then {@link #restart()} on the same ports (its swarm store kept in {@code dataDir}).
 */
public final class InProcessTracker implements TestTracker {
    private final String host;
    private final Path dataDir;
    private final Map<String, String> extra;
    private Tracker tracker;
    private int httpPort;
    private int udpPort;

    /** @param host {@code 127.0.0.1} or {@code [::1]} */
    public InProcessTracker(String host, Path dataDir) throws Exception {
        this(host, dataDir, Map.of());
    }

    /** @param extra further configuration keys (e.g. {@code announce.min-interval}) */
    public InProcessTracker(String host, Path dataDir, Map<String, String> extra) throws Exception {
        this.host = host;
        this.dataDir = dataDir;
        this.extra = Map.copyOf(extra);
        start(0, 0);
    }

    /** On 127.0.0.1, asking for an announce every 60 s but allowing one every second (the bridge's max-interval decides). */
    static InProcessTracker fastAnnounces(Path dataDir) throws Exception {
        return new InProcessTracker("127.0.0.1", dataDir,
                Map.of("announce.interval", "60s", "announce.min-interval", "1s", "announce.peer-timeout", "120s"));
    }

    private void start(int http, int udp) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("http.listen", host + ":" + http, "udp.listen",
                host + ":" + udp, "store.type", "heap", "store.data-dir", dataDir.toString()));
        o.putAll(extra);
        tracker = Tracker.start(ConfigLoader.load(null, o));
        httpPort = tracker.httpAddress().getPort();
        udpPort = tracker.udpAddress().getPort();
    }

    /** Closes it: both ports stop answering. */
    public synchronized void stop() {
        if (tracker != null) {
            tracker.close();
            tracker = null;
        }
    }

    /** Starts it again on the same ports. */
    public synchronized void restart() throws Exception {
        stop();
        start(httpPort, udpPort);
    }

    @Override
    public String httpUrl() {
        return "http://" + host + ":" + httpPort + "/announce";
    }

    @Override
    public String udpUrl() {
        return "udp://" + host + ":" + udpPort + "/announce";
    }

    @Override
    public void close() {
        stop();
    }
}
