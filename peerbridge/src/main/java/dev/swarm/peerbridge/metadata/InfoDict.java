package dev.swarm.peerbridge.metadata;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.util.ArrayList;
import java.util.List;

/**
 * What the bridge reads from a verified info dictionary: name, piece count, files and the BEP 27
 * private flag. v1 ({@code pieces}) only; a hybrid torrent's v1 part is read.
 *
 * @param name       {@code name}
 * @param pieceCount {@code pieces} length / 20
 * @param files      path (joined with '/') and length; one entry for a single-file torrent
 * @param isPrivate  {@code private = 1}
 */
public record InfoDict(String name, int pieceCount, List<FileEntry> files, boolean isPrivate) {
    public record FileEntry(String path, long length) {
    }

    /** Bound on files listed (the API shows them; the bridge needs none of them). */
    public static final int MAX_FILES = 10_000;
    private static final BencodeLimits LIMITS = new BencodeLimits(64, 64 << 20, 4_000_000, false);

    public InfoDict {
        files = List.copyOf(files);
    }

    /** @throws ProtocolException if it is not a v1 info dictionary */
    public static InfoDict parse(byte[] info) throws ProtocolException {
        if (!(Bencode.decode(info, LIMITS) instanceof BDict d)) {
            throw ProtocolException.drop("info is not a bencoded dictionary");
        }
        byte[] pieces = d.bytes("pieces");
        if (pieces == null || pieces.length == 0 || pieces.length % 20 != 0) {
            throw ProtocolException.drop("info.pieces missing or not a multiple of 20 bytes (v2-only torrents are not supported)");
        }
        String name = d.string("name");
        List<FileEntry> files = new ArrayList<>();
        BList list = d.list("files");
        if (list != null) {
            for (BValue v : list.items()) {
                if (files.size() >= MAX_FILES) {
                    break;
                }
                if (v instanceof BDict f && f.integer("length") != null && f.list("path") != null) {
                    List<String> parts = new ArrayList<>();
                    for (BValue p : f.list("path").items()) {
                        if (p instanceof BBytes b) {
                            parts.add(b.asUtf8());
                        }
                    }
                    files.add(new FileEntry(String.join("/", parts), f.integer("length")));
                }
            }
        } else if (d.integer("length") != null) {
            files.add(new FileEntry(name == null ? "" : name, d.integer("length")));
        }
        Long priv = d.integer("private");
        return new InfoDict(name == null ? "" : name, pieces.length / 20, files, priv != null && priv == 1);
    }
}
