package dev.swarm.peerbridge.e2e;

import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * This project's tracker ({@code dev.swarm.tracker.Tracker}) run in the test's JVM: HTTP and UDP on 127.0.0.1 port 0,
 * the heap store under {@code dataDir}, announce interval 60 s with a 1 s minimum so a bridge may re-announce every
 * second (its own {@code trackers.max-interval} decides).
 */
final class InProcessTracker implements TestTracker {
    final Tracker tracker;

    InProcessTracker(Path dataDir) throws Tracker.StartException {
        Map<String, String> o = new HashMap<>(Map.of(
                "http.listen", "127.0.0.1:0", "udp.listen", "127.0.0.1:0",
                "store.type", "heap", "store.data-dir", dataDir.toString(),
                "announce.interval", "60s", "announce.min-interval", "1s", "announce.peer-timeout", "120s"));
        tracker = Tracker.start(ConfigLoader.load(null, o));
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
    }

    @Override
    public String udpUrl() {
        return "udp://127.0.0.1:" + tracker.udpAddress().getPort() + "/announce";
    }

    @Override
    public void close() {
        tracker.close();
    }
}
