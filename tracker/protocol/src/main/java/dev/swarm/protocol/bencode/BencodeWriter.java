package dev.swarm.protocol.bencode;

import dev.swarm.protocol.ByteSink;

import java.nio.charset.StandardCharsets;

/**
 * Streaming bencode writer over a {@link ByteSink}, for hot paths that write a known message shape
 * without building a {@link BValue} tree.
 *
 * <p>The caller is responsible for the shape: inside a dictionary, call {@link #key(String)} before each
 * value and write keys in ascending unsigned byte order (bencode requires it; the writer does not
 * check, to stay cheap). The writer only checks that {@link #end()} closes an open container. All
 * methods return {@code this} for chaining.
 */
public final class BencodeWriter {

    private final ByteSink out;
    private int depth;

    /** A writer appending to {@code out}. */
    public BencodeWriter(ByteSink out) {
        this.out = out;
    }

    /** Opens a dictionary. */
    public BencodeWriter dict() {
        out.write('d');
        depth++;
        return this;
    }

    /** Opens a list. */
    public BencodeWriter list() {
        out.write('l');
        depth++;
        return this;
    }

    /**
     * Closes the innermost open dictionary or list.
     *
     * @throws IllegalStateException if nothing is open
     */
    public BencodeWriter end() {
        if (depth == 0) {
            throw new IllegalStateException("end() without an open dict or list");
        }
        out.write('e');
        depth--;
        return this;
    }

    /** Writes a dictionary key given as ASCII (or Latin-1: each char is written as one byte). */
    public BencodeWriter key(String asciiKey) {
        out.writeDecimal(asciiKey.length());
        out.write(':');
        out.writeAscii(asciiKey);
        return this;
    }

    /** Writes a byte string. */
    public BencodeWriter string(byte[] b, int off, int len) {
        out.writeDecimal(len);
        out.write(':');
        out.write(b, off, len);
        return this;
    }

    /** Writes a byte string. */
    public BencodeWriter string(byte[] b) {
        return string(b, 0, b.length);
    }

    /** Writes {@code s} as a UTF-8 byte string (no allocation when {@code s} is ASCII). */
    public BencodeWriter string(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return string(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        return key(s);
    }

    /** Writes an integer. */
    public BencodeWriter integer(long v) {
        out.write('i');
        out.writeDecimal(v);
        out.write('e');
        return this;
    }

    /** How many containers are open. */
    public int depth() {
        return depth;
    }
}
