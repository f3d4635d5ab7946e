package dev.swarm.tracker.access;

import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.logic.ScrapePolicy;
import dev.swarm.tracker.metrics.Metrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An info-hash allow list or deny list read from a file, one 40-hex-digit info-hash per line ({@code #} starts a
 * comment, blank lines are skipped). The parsed list is an immutable set behind a volatile reference: a reload
 * builds the new set off to the side and swaps it in with one write, so requests in flight see the old or the new
 * list, never a mix and never a gap. A file that does not parse (or is gone) leaves the old list in force.
 *
 * <p>{@link #pollForChange()} reloads when the file's modification time, size or identity (a rename over it) has
 * changed; the tracker calls it every {@code access.reload-interval}. {@link #reload()} reloads unconditionally
 * (the admin API). Both are safe to call from any thread.
 */
public final class InfoHashList implements AnnouncePolicy, ScrapePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(InfoHashList.class);
    static final String REFUSED = "torrent not allowed on this tracker";
    /** Bounds of a list file: about 80 MB of heap at the entry limit. */
    static final long MAX_FILE_BYTES = 64L << 20;
    static final int MAX_ENTRIES = 1_000_000;

    private record Stamp(long modifiedMillis, long size, Object fileKey) {
    }

    private final Path file;
    private final boolean allowList;
    private final Metrics.Counter reloads;
    private final Metrics.Counter reloadFailures;
    private volatile Set<InfoHash> hashes;
    private Stamp stamp;

    private InfoHashList(Path file, boolean allowList, Metrics metrics) {
        this.file = file;
        this.allowList = allowList;
        this.reloads = metrics.counter("access.list_reloads");
        this.reloadFailures = metrics.counter("access.list_reload_failures");
    }

    /**
     * Reads the list for the first time.
     *
     * @throws IllegalStateException if the file is missing or does not parse (the message names the line)
     */
    public static InfoHashList load(TrackerConfig.Access cfg, Metrics metrics) {
        InfoHashList l = new InfoHashList(Objects.requireNonNull(cfg.infoHashList()),
                cfg.infoHashListMode() == TrackerConfig.ListMode.ALLOW, metrics);
        l.reload();
        metrics.gauge("access.list_entries", () -> l.hashes.size());
        return l;
    }

    /** Whether the torrent may be tracked under the current list. */
    public boolean permits(byte[] infoHash, int off) {
        return hashes.contains(InfoHash.of(infoHash, off)) == allowList;
    }

    @Override
    public String check(AnnounceContext ctx) {
        return permits(ctx.op.infoHash, 0) ? null : REFUSED;
    }

    @Override
    public String checkRequest(AnnounceContext.Transport transport, String path) {
        return null;
    }

    @Override
    public boolean mayShow(byte[] hashes, int off) {
        return permits(hashes, off);
    }

    /** Reloads if the file changed since the last load; failures are logged and counted, the old list stays. */
    public void pollForChange() {
        Stamp now;
        try {
            now = stampOf();
        } catch (IOException e) {
            synchronized (this) {
                if (stamp != null) {
                    LOG.warn("access list {} is unreadable ({}); keeping the {} entries loaded before", file, e.toString(),
                            hashes.size());
                    stamp = null; // log once, and reload when it comes back
                    reloadFailures.inc();
                }
            }
            return;
        }
        synchronized (this) {
            if (now.equals(stamp)) {
                return;
            }
        }
        try {
            reload();
        } catch (IllegalStateException e) {
            LOG.error("{}; keeping the previous list ({} entries)", e.getMessage(), hashes.size());
        }
    }

    /**
     * Reads the file and swaps the new list in.
     *
     * @return a summary for the admin API
     * @throws IllegalStateException if it cannot be read or parsed; the previous list stays in force
     */
    public synchronized Map<String, Object> reload() {
        Stamp before;
        Set<InfoHash> parsed;
        try {
            before = stampOf();
            parsed = parse();
        } catch (NoSuchFileException e) {
            reloadFailures.inc();
            throw new IllegalStateException("access list " + file + " does not exist", e);
        } catch (IOException e) {
            reloadFailures.inc();
            throw new IllegalStateException("cannot read access list " + file + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            reloadFailures.inc();
            throw e;
        }
        // Remember the file as it was before reading: a change during the read is picked up by the next poll.
        stamp = before;
        Set<InfoHash> old = hashes;
        hashes = parsed;
        reloads.inc();
        if (old == null || !old.equals(parsed)) {
            LOG.info("access list {} loaded: {} info-hashes ({} list)", file, parsed.size(), allowList ? "allow" : "deny");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("mode", allowList ? "allow" : "deny");
        out.put("entries", parsed.size());
        out.put("changed", old == null || !old.equals(parsed));
        return out;
    }

    public int size() {
        return hashes.size();
    }

    private Stamp stampOf() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    }

    private Set<InfoHash> parse() throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalStateException("access list " + file + " is over " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        Set<InfoHash> out = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                int hash = line.indexOf('#');
                String t = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (t.isEmpty()) {
                    continue;
                }
                try {
                    out.add(InfoHash.fromHex(t));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("access list " + file + " line " + n
                            + ": expected an info-hash of 40 hex characters, got '" + abbreviate(t) + "'");
                }
                if (out.size() > MAX_ENTRIES) {
                    throw new IllegalStateException("access list " + file + " has over " + MAX_ENTRIES + " entries");
                }
            }
        }
        return Set.copyOf(out);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
