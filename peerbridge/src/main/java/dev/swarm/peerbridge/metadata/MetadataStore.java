package dev.swarm.peerbridge.metadata;

import dev.swarm.protocol.InfoHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps fetched info dictionaries as {@code <dir>/<info-hash hex>.info} (the raw bencoded bytes)
 * so a restart does not fetch them again. Written to a temporary file and moved into place; the
 * caller verifies what it loads against the info-hash. A failure is logged, never thrown.
 */
public final class MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);

    private MetadataStore() {
    }

    /** The file for a torrent. */
    public static Path file(Path dir, InfoHash ih) {
        return dir.resolve(ih.toHex() + ".info");
    }

    /** The stored bytes, or null when there is no directory, no file, or it is larger than {@code maxSize}. */
    public static byte[] load(Path dir, InfoHash ih, long maxSize) {
        if (dir == null) {
            return null;
        }
        Path f = file(dir, ih);
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > maxSize) {
                return null;
            }
            return Files.readAllBytes(f);
        } catch (IOException e) {
            LOG.warn("cannot read stored metadata {}: {}", f, e.toString());
            return null;
        }
    }

    /** Stores verified bytes (no-op without a directory). */
    public static void save(Path dir, InfoHash ih, byte[] info) {
        if (dir == null) {
            return;
        }
        Path f = file(dir, ih);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ih.toHex(), ".tmp");
            try {
                Files.write(tmp, info);
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warn("cannot store metadata {}: {}", f, e.toString());
        }
    }
}
