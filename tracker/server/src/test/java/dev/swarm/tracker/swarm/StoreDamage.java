package dev.swarm.tracker.swarm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;

/** Damages a closed store's map file where Chronicle keeps its segment headers, for the process tests. */
public final class StoreDamage {
    private StoreDamage() {
    }

    /** The map file of the IPv4 swarms in a data directory. */
    public static Path v4File(Path dataDir) {
        return dataDir.resolve(StoreFiles.mapFileName(Family.V4));
    }

    /**
     * Overwrites up to {@code maxBytes} of the segment headers of the closed map file {@code mapFile} with random
     * bytes from {@code rnd}; returns how many bytes were written.
     */
    public static int randomSegmentHeaders(Path mapFile, int maxBytes, Random rnd) throws IOException {
        long offset;
        long length;
        try (ChronicleMap<byte[], byte[]> m = ChronicleMapBuilder.of(byte[].class, byte[].class)
                .skipCloseOnExitHook(true).createPersistedTo(mapFile.toFile())) {
            VanillaChronicleHash<?, ?, ?, ?> h = (VanillaChronicleHash<?, ?, ?, ?>) m;
            offset = h.segmentHeadersOffset;
            length = h.segmentHeaderAddress(h.actualSegments - 1) - h.segmentHeaderAddress(0) + 64;
        }
        byte[] noise = new byte[(int) Math.min(maxBytes, length)];
        rnd.nextBytes(noise);
        try (RandomAccessFile raf = new RandomAccessFile(mapFile.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(noise);
        }
        return noise.length;
    }
}
