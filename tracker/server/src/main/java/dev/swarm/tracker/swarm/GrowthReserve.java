package dev.swarm.tracker.swarm;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;

/**
 * Disk space for one map's growth beyond its first tiers. Chronicle Map grows a map by whole "tier bulks"
 * appended to the file; it extends the file and {@code fallocate}s the bulk, but when that fails (disk
 * full) the file is left extended with a hole, and the next growth maps the hole: the first write to it
 * kills the writing thread with {@code InternalError} (SIGBUS), usually a request thread, in the middle of
 * an update.
 *
 * <p>So growth only goes where space is already taken: this class writes zeros over the next bulks
 * ({@link #KEEP_BULKS} ahead of what Chronicle uses; real blocks, also on tmpfs), and the store lets an
 * announce insert or enlarge a swarm only while at least one reserved bulk is unused ({@link #mayGrow()}).
 * Chronicle then finds the file long enough and maps blocks that exist. Topping up runs on the sweeper
 * thread under Chronicle's global lock (the lock Chronicle allocates bulks under), and only writes bulks
 * that Chronicle has not allocated: the request path never writes the file, never waits for the disk.
 */
final class GrowthReserve {
    /** Bulks kept reserved ahead of the allocated ones. */
    static final int KEEP_BULKS = 2;
    private static final int ZEROS = 1 << 20;

    private final Path file;
    private final VanillaChronicleHash<?, ?, ?, ?> hash;
    private final VanillaGlobalMutableState state;
    private final long bulkBytes;
    private final long firstBulk;
    private final long maxBulks;
    /** Bulks [0, reserved) are backed by written blocks. */
    private volatile int reserved;
    private volatile String lastFailure;

    /**
     * @param closedCleanly the map was closed cleanly and passed the start-up check: a file long enough for the
     *                      reserve then has it (this process's predecessor wrote it), so a clean restart does not
     *                      write it again
     */
    GrowthReserve(Path file, Object map, boolean closedCleanly) {
        this.file = file;
        this.hash = (VanillaChronicleHash<?, ?, ?, ?>) map;
        this.state = hash.globalMutableState();
        this.bulkBytes = longField(hash, "tierBulkSizeInBytes");
        this.firstBulk = hash.sizeInBytesWithoutTiers();
        this.maxBulks = (longField(hash, "maxExtraTiers") + hash.tiersInBulk - 1) / hash.tiersInBulk;
        int allocated = state.getAllocatedExtraTierBulks();
        int target = (int) Math.min(maxBulks, (long) allocated + KEEP_BULKS);
        boolean present;
        try {
            present = closedCleanly && target > 0 && Files.size(file) >= endOfBulk(target - 1);
        } catch (IOException e) {
            present = false;
        }
        this.reserved = present ? target : allocated;
    }

    private static long longField(Object o, String name) {
        try {
            Field f = VanillaChronicleHash.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.getLong(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Chronicle Map version has no field " + name + " (" + e + ")", e);
        }
    }

    /** May a request insert or enlarge a swarm (which may take a new tier)? One read of mapped memory. */
    boolean mayGrow() {
        int allocated = state.getAllocatedExtraTierBulks();
        return allocated < reserved || allocated >= maxBulks;
    }

    /** The reason of the last failed {@link #topUp}, or null if it succeeded. */
    String lastFailure() {
        return lastFailure;
    }

    /** Bytes of the file up to the end of bulk {@code n} (exclusive), with Chronicle's mapping slack. */
    private long endOfBulk(int n) {
        long end = firstBulk + (n + 1) * bulkBytes;
        long align = Math.max(OS.pageSize(), OS.mapAlignment());
        return (end + 2 * align + align - 1) / align * align;
    }

    /**
     * Writes zeros over the bulks up to {@link #KEEP_BULKS} past the allocated ones, if not done yet. Cheap
     * when nothing is to do (two reads of mapped memory).
     *
     * @return true if the reserve is complete (or Chronicle may not grow further anyway)
     */
    boolean topUp() {
        int allocated = state.getAllocatedExtraTierBulks();
        int target = (int) Math.min(maxBulks, (long) allocated + KEEP_BULKS);
        if (reserved >= target) {
            return true;
        }
        hash.globalMutableStateLock();
        try {
            allocated = state.getAllocatedExtraTierBulks();
            int from = Math.max(reserved, allocated);
            target = (int) Math.min(maxBulks, (long) allocated + KEEP_BULKS);
            if (from >= target) {
                reserved = Math.max(reserved, target);
                return true;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(ZEROS);
                for (int b = from; b < target; b++) {
                    long start = b == allocated ? firstBulk + (long) b * bulkBytes : endOfBulk(b - 1);
                    long end = endOfBulk(b);
                    for (long pos = start; pos < end; ) {
                        zeros.clear().limit((int) Math.min(ZEROS, end - pos));
                        pos += ch.write(zeros, pos);
                    }
                    ch.force(false);
                    reserved = b + 1;
                }
            }
            lastFailure = null;
            return true;
        } catch (IOException e) {
            lastFailure = "cannot reserve " + ((bulkBytes + 1023) >> 10) + " KiB for the store's growth in " + file + " on "
                    + describeFileSystem(file.getParent()) + ": " + e.getMessage();
            return false;
        } finally {
            hash.globalMutableStateUnlock();
        }
    }

    /** "the filesystem mounted at X (device), N MiB free", for messages about disk space. */
    static String describeFileSystem(Path dir) {
        try {
            FileStore fs = Files.getFileStore(dir);
            return "the filesystem " + fs + " (" + (fs.getUsableSpace() >> 20) + " MiB free)";
        } catch (IOException e) {
            return "the filesystem of " + dir + " (free space unknown: " + e.getMessage() + ")";
        }
    }
}
