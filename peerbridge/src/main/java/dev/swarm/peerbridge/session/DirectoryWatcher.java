package dev.swarm.peerbridge.session;

import dev.swarm.peerbridge.torrent.TorrentInputs;
import dev.swarm.peerbridge.torrent.TorrentSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lists a directory every interval (one named thread) and adds the torrents of new or changed
 * {@code .torrent}, {@code .magnet} and {@code .txt} files to the bridge. Removing a file does not
 * remove its torrent. At most {@code 4 × maxTorrents} directory entries are looked at per pass.
 */
public final class DirectoryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final Path dir;
    private final int maxEntries;
    private final Bridge bridge;
    private final Map<Path, String> seen = new HashMap<>();
    private final ScheduledExecutorService timer;

    public DirectoryWatcher(Path dir, Duration interval, int maxTorrents, Bridge bridge) {
        this.dir = dir;
        this.maxEntries = 4 * maxTorrents;
        this.bridge = bridge;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pb-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::scanSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("scanning {} failed; will retry", dir, e);
        }
    }

    private void scan() {
        List<Path> changed = new ArrayList<>();
        Map<Path, String> current = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            int n = 0;
            for (Path p : files) {
                if (n++ >= maxEntries) {
                    break;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    continue;
                }
                String stamp = a.lastModifiedTime() + "/" + a.size();
                current.put(p, stamp);
                if (!stamp.equals(seen.get(p))) {
                    changed.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
            return;
        }
        seen.keySet().retainAll(current.keySet());
        seen.putAll(current);
        for (Path p : changed) {
            List<String> errors = new ArrayList<>();
            for (TorrentSpec s : TorrentInputs.file(p, errors)) {
                String refused = bridge.addTorrent(s);
                if (refused != null && !refused.startsWith("already added")) {
                    LOG.warn("{}: {}", p, refused);
                }
            }
            errors.forEach(e -> LOG.warn("{}", e));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
