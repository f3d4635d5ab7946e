package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only JSON-lines file, {@code registry.jsonl}, in a directory locked against a second process.
 *
 * <p>Crash safety: a batch of records is appended with one write, followed by a {@code {"type":"commit"}} line,
 * and made durable with {@code fsync} before {@link #append} returns. {@link #replay} applies only committed
 * batches: a crash mid-append leaves a torn tail (a partial batch, maybe a partial line) that is dropped and cut
 * off, so a batch is all or nothing. A bad line before the last commit is corruption and refuses the open. {@link #rewrite} (compaction) writes the whole
 * state to {@code registry.jsonl.tmp}, fsyncs it, renames it over the journal atomically and fsyncs the
 * directory, so at every instant one complete file exists. Not thread-safe: the registry serialises calls.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final String FILE = "registry.jsonl";
    /** A line longer than this is not something the registry wrote. */
    private static final int MAX_LINE = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] COMMIT = "{\"type\":\"commit\"}\n".getBytes(StandardCharsets.US_ASCII);
    /** The journal holds every passkey: only the tracker's user may read it, or list the directory. */
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel out;
    private long records;
    /** Set when a failed write could not be cut back: appending more could commit its debris. */
    private boolean broken;

    private Journal(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating) the directory and takes its lock; call {@link #replay} next. */
    static Journal open(Path dir) {
        try {
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } else {
                    Files.createDirectories(dir);
                }
            }
            if (posix) {
                restrict(dir, DIR_MODE);
                restrict(dir.resolve(FILE), FILE_MODE);
            }
            FileChannel lc = FileChannel.open(dir.resolve("lock"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    fileMode(dir));
            FileLock l;
            try {
                l = lc.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lc.close();
                throw new RegistryException(RegistryException.Kind.IO, "registry " + dir + " is in use by another tracker");
            }
            return new Journal(dir, lc, l);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.IO, "cannot open registry " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Takes group and other permissions away from an existing registry directory or journal (older trackers left them). */
    private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p);
        if (!mode.containsAll(now)) {
            Files.setPosixFilePermissions(p, mode);
            LOG.warn("registry: {} was readable by other users; now {} (it holds every passkey)", p,
                    PosixFilePermissions.toString(mode));
        }
    }

    /** Owner read/write only, where the file system has POSIX permissions. */
    private static FileAttribute<?>[] fileMode(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    /**
     * Feeds every record of the journal, in order, to {@code sink}, then opens the journal for appending.
     *
     * @throws RegistryException if a line other than a torn last one is not a JSON object
     */
    void replay(Consumer<JsonNode> sink) {
        long goodEnd = 0;
        long lineNo = 0;
        try {
            if (Files.exists(file)) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
                    List<JsonNode> pending = new ArrayList<>();
                    long pos = 0;
                    long badLine = -1;
                    int b;
                    boolean tooLong = false;
                    while ((b = in.read()) >= 0) {
                        pos++;
                        if (b != '\n') {
                            if (line.size() < MAX_LINE) {
                                line.write(b);
                            } else {
                                tooLong = true;
                            }
                            continue;
                        }
                        lineNo++;
                        JsonNode n = tooLong ? null : parse(line.toByteArray());
                        line.reset();
                        tooLong = false;
                        if (n == null) {
                            // Only fatal if a commit follows: then it is not a torn tail.
                            badLine = badLine < 0 ? lineNo : badLine;
                            continue;
                        }
                        if ("commit".equals(n.path("type").asText())) {
                            if (badLine >= 0) {
                                throw new RegistryException(RegistryException.Kind.IO, "registry journal " + file + " line "
                                        + badLine + " is corrupt; restore the file from a backup or remove the line");
                            }
                            for (JsonNode r : pending) {
                                sink.accept(r);
                            }
                            records += pending.size();
                            pending.clear();
                            goodEnd = pos;
                        } else {
                            pending.add(n);
                        }
                    }
                    if (pos > goodEnd) {
                        LOG.warn("registry journal {}: dropping {} bytes after the last commit (a crash mid-write)",
                                file, pos - goodEnd);
                    }
                }
            }
            out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), fileMode(dir));
            if (out.size() > goodEnd) {
                out.truncate(goodEnd);
                out.force(true);
            }
            out.position(goodEnd);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.IO, "cannot read registry journal " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(byte[] line) {
        if (line.length == 0) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Appends the records as one batch and fsyncs; when this returns they survive a crash, all or none. */
    void append(Iterable<ObjectNode> batch) {
        if (broken) {
            throw new RegistryException(RegistryException.Kind.IO, "registry journal " + file
                    + " is not writable after an earlier write error; restart the tracker");
        }
        byte[] bytes = encode(batch);
        if (bytes.length == COMMIT.length) {
            return;
        }
        long start = -1;
        try {
            start = out.position();
            writeFully(out, bytes);
            out.force(false);
        } catch (IOException e) {
            cutBack(start);
            throw new RegistryException(RegistryException.Kind.IO, "cannot write registry journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** After a failed write: removes its partial bytes, so that a later commit cannot adopt them. */
    private void cutBack(long start) {
        if (start < 0) {
            return;
        }
        try {
            out.truncate(start);
            out.position(start);
        } catch (IOException again) {
            broken = true;
            LOG.error("registry journal {}: cannot cut back a failed write ({}); no more writes until a restart, "
                    + "which drops the uncommitted tail", file, again.toString());
        }
    }

    /** Replaces the journal by {@code state} (every live record), atomically; see the class comment. */
    void rewrite(Iterable<ObjectNode> state) {
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            records = 0;
            byte[] bytes = encode(state);
            Files.deleteIfExists(tmp); // a leftover keeps its old mode; a new file gets FILE_MODE
            try (FileChannel t = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), fileMode(dir))) {
                writeFully(t, bytes);
                t.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            FileChannel old = out;
            out = FileChannel.open(file, StandardOpenOption.WRITE);
            out.position(out.size());
            old.close();
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.IO, "cannot compact registry journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records in the file: what {@link #replay} read plus what was appended since (or written by the last rewrite). */
    long records() {
        return records;
    }

    private byte[] encode(Iterable<ObjectNode> batch) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        long n = 0;
        try {
            for (ObjectNode r : batch) {
                buf.write(JSON.writeValueAsBytes(r));
                buf.write('\n');
                n++;
            }
        } catch (IOException e) {
            throw new IllegalStateException("JSON encoding of a registry record failed", e);
        }
        buf.writeBytes(COMMIT);
        records += n;
        return buf.toByteArray();
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The journal file, for messages and tests. */
    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            if (out != null) {
                out.force(true);
                out.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("closing registry journal {}: {}", file, e.toString());
        }
    }
}
