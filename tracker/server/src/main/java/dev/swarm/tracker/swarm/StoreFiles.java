package dev.swarm.tracker.swarm;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The files of the off-heap store in its data directory, checked without mapping them.
 *
 * <ul>
 *   <li>{@code swarms-v4.cm}, {@code swarms-v6.cm}: the Chronicle Map files;</li>
 *   <li>{@code swarms.meta}: the sidecar, a small properties file replaced atomically: format version,
 *       {@code state} ({@code open} while in use, {@code clean} after {@code close()}), and per map its
 *       layout, its length when last recorded and a CRC-32 of Chronicle's self-bootstrapping header
 *       (written once at creation, so it identifies the file); a clean close also records each map's
 *       swarm, seeder and leecher counts, so that the next start need not walk the map to count them;</li>
 *   <li>{@code swarms.lock}: held with an OS file lock while the store is open, so that a second
 *       process cannot map the same files.</li>
 * </ul>
 *
 * <p>A map file the sidecar describes is used only if the sidecar vouches for it: same layout, at least
 * the recorded length (a truncated mapped file would SIGBUS the JVM) and the same header CRC (a foreign
 * file). The CRC leaves out Chronicle's "not complete" bit, which Chronicle sets while it creates or
 * recovers a file: a crash in that window leaves the bit set on an intact file.
 */
final class StoreFiles {
    static final String META = "swarms.meta";
    static final String LOCK = "swarms.lock";
    static final String FORMAT = "dev.swarm.tracker.swarm/1";
    /** Suffix of a quarantined file: {@code <name>.corrupt-<UTC timestamp>}. */
    static final String QUARANTINE_MARK = ".corrupt-";

    /** Chronicle's header: 8-byte hash, 4-byte size word (bit 31: not complete), then the header text. */
    private static final int HEADER_PREFIX = 12;
    private static final int SIZE_WORD = 8;
    private static final int NOT_COMPLETE = 1 << 31;
    private static final int MAX_HEADER = 16 * 1024;
    private static final int MAX_META_BYTES = 64 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    /** What the sidecar says about one map file; {@code counts} only after a clean close, else null. */
    record FileMeta(String layout, long length, long headerCrc, Counts counts) {
    }

    /** A map's counters as they were at a clean close. */
    record Counts(long swarms, long seeders, long leechers) {
    }

    /** The sidecar's content. */
    record Meta(boolean clean, Map<Family, FileMeta> files) {
    }

    /** The sidecar exists but cannot be trusted. */
    static final class BadMetaException extends Exception {
        private static final long serialVersionUID = 1L;

        BadMetaException(String message) {
            super(message);
        }
    }

    private StoreFiles() {
    }

    static String mapFileName(Family f) {
        return f == Family.V4 ? "swarms-v4.cm" : "swarms-v6.cm";
    }

    /** The sidecar, or null if there is none. */
    static Meta readMeta(Path dir) throws BadMetaException, IOException {
        Path p = dir.resolve(META);
        if (!Files.exists(p)) {
            return null;
        }
        if (Files.size(p) > MAX_META_BYTES) {
            throw new BadMetaException("larger than " + MAX_META_BYTES + " bytes");
        }
        Properties props = new Properties();
        try {
            props.load(new StringReader(Files.readString(p, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException e) {
            throw new BadMetaException("not a properties file: " + e.getMessage());
        }
        if (!FORMAT.equals(props.getProperty("format"))) {
            throw new BadMetaException("format is '" + props.getProperty("format") + "', expected '" + FORMAT + "'");
        }
        String state = props.getProperty("state");
        if (!"open".equals(state) && !"clean".equals(state)) {
            throw new BadMetaException("state is '" + state + "', expected open or clean");
        }
        Map<Family, FileMeta> files = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            String prefix = f.name().toLowerCase(java.util.Locale.ROOT) + ".";
            String layout = props.getProperty(prefix + "layout");
            String length = props.getProperty(prefix + "length");
            String crc = props.getProperty(prefix + "crc");
            if (layout == null && length == null && crc == null) {
                continue;
            }
            try {
                files.put(f, new FileMeta(required(layout, prefix + "layout"), Long.parseLong(required(length, prefix + "length")),
                        Long.parseLong(required(crc, prefix + "crc")), counts(props, prefix)));
            } catch (NumberFormatException e) {
                throw new BadMetaException("bad number for " + prefix + "length/crc: " + e.getMessage());
            }
        }
        return new Meta("clean".equals(state), files);
    }

    /**
     * The recorded counts, or null when they are absent or not three non-negative numbers: they only save the
     * counting walk at start-up, so a damaged count line costs that walk, never the store.
     */
    private static Counts counts(Properties props, String prefix) {
        try {
            long swarms = Long.parseLong(props.getProperty(prefix + "swarms", "-1"));
            long seeders = Long.parseLong(props.getProperty(prefix + "seeders", "-1"));
            long leechers = Long.parseLong(props.getProperty(prefix + "leechers", "-1"));
            return swarms < 0 || seeders < 0 || leechers < 0 ? null : new Counts(swarms, seeders, leechers);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String required(String v, String key) throws BadMetaException {
        if (v == null) {
            throw new BadMetaException("missing " + key);
        }
        return v;
    }

    /** Replaces the sidecar atomically and durably. */
    static void writeMeta(Path dir, Meta meta) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# swarm store metadata, written by the tracker; do not edit\n");
        sb.append("format=").append(FORMAT).append('\n');
        sb.append("state=").append(meta.clean() ? "clean" : "open").append('\n');
        for (Map.Entry<Family, FileMeta> e : meta.files().entrySet()) {
            String prefix = e.getKey().name().toLowerCase(java.util.Locale.ROOT) + ".";
            FileMeta fm = e.getValue();
            sb.append(prefix).append("layout=").append(fm.layout()).append('\n');
            sb.append(prefix).append("length=").append(fm.length()).append('\n');
            sb.append(prefix).append("crc=").append(fm.headerCrc()).append('\n');
            if (fm.counts() != null) {
                sb.append(prefix).append("swarms=").append(fm.counts().swarms()).append('\n');
                sb.append(prefix).append("seeders=").append(fm.counts().seeders()).append('\n');
                sb.append(prefix).append("leechers=").append(fm.counts().leechers()).append('\n');
            }
        }
        Path tmp = dir.resolve(META + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Directories cannot be opened for fsync on every platform; the rename is still atomic.
            return;
        }
    }

    /**
     * CRC-32 of Chronicle's self-bootstrapping header (hash, size word without its "not complete" bit, and
     * header text), read with plain file I/O; -1 if the file is too short or does not start with a header.
     */
    static long headerCrc(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            if (length < HEADER_PREFIX) {
                return -1;
            }
            ByteBuffer prefix = ByteBuffer.allocate(HEADER_PREFIX).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            int sizeWord = prefix.getInt(SIZE_WORD) & ~NOT_COMPLETE;
            int size = sizeWord & ((1 << 30) - 1);
            if (size == 0 || size > MAX_HEADER || HEADER_PREFIX + (long) size > length) {
                return -1;
            }
            ByteBuffer all = ByteBuffer.allocate(HEADER_PREFIX + size).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, all, 0);
            all.putInt(SIZE_WORD, sizeWord);
            CRC32 crc = new CRC32();
            crc.update(all.array(), 0, all.capacity());
            return crc.getValue();
        }
    }

    /** True if Chronicle's "not complete" bit is set: a creation or recovery of the file did not finish. */
    static boolean headerIncomplete(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < HEADER_PREFIX) {
                return false;
            }
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, word, SIZE_WORD);
            return (word.getInt(0) & NOT_COMPLETE) != 0;
        }
    }

    /**
     * Clears the "not complete" bit, durably. Chronicle waits up to a minute for a file with the bit set (for
     * the process it assumes is still creating it) and then fails; the directory lock rules that process out.
     */
    static void markHeaderComplete(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, word, SIZE_WORD);
            word.putInt(0, word.getInt(0) & ~NOT_COMPLETE).clear();
            while (word.hasRemaining()) {
                ch.write(word, SIZE_WORD + word.position());
            }
            ch.force(true);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /**
     * Renames {@code file} to {@code <name>.corrupt-<UTC timestamp>}; returns the new path. Quarantined files
     * are kept until an operator deletes them (see {@link #quarantinedBytes}).
     */
    static Path quarantine(Path file) throws IOException {
        String name = file.getFileName().toString();
        String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
        Path target = file.resolveSibling(name + QUARANTINE_MARK + stamp);
        for (int i = 1; Files.exists(target); i++) {
            target = file.resolveSibling(name + QUARANTINE_MARK + stamp + "-" + i);
        }
        Files.move(file, target);
        forceDirectory(file.getParent());
        return target;
    }

    /** The quarantined files in {@code dir}. */
    static List<Path> quarantined(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().contains(QUARANTINE_MARK)).forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    /** Bytes the quarantined files in {@code dir} take on disk (their lengths; 0 if none). */
    static long quarantinedBytes(Path dir) throws IOException {
        long total = 0;
        for (Path p : quarantined(dir)) {
            try {
                total += Files.size(p);
            } catch (NoSuchFileException e) {
                continue; // deleted by the operator meanwhile
            }
        }
        return total;
    }
}
