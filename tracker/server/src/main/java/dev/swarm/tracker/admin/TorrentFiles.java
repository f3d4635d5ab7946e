package dev.swarm.tracker.admin;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gives a {@code .torrent} file a member's announce URL: the top-level {@code announce} is replaced and
 * {@code announce-list} dropped (clients prefer it to {@code announce}); every other key, and the {@code info}
 * dictionary in particular, is copied byte for byte, so the info-hash does not change.
 */
final class TorrentFiles {
    /** Largest .torrent accepted: many-file torrents run to a few MiB of piece hashes and paths. */
    static final int MAX_BYTES = 16 << 20;
    private static final BencodeLimits LIMITS = new BencodeLimits(64, MAX_BYTES, 5_000_000, false);
    private static final byte[] ANNOUNCE = "announce".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANNOUNCE_LIST = "announce-list".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "info".getBytes(StandardCharsets.US_ASCII);

    private record Entry(byte[] key, int from, int to) {
    }

    private TorrentFiles() {
    }

    /**
     * @throws IllegalArgumentException if {@code torrent} is not a bencoded dictionary with an {@code info}
     *                                  dictionary; the message says what is wrong
     */
    static byte[] withAnnounce(byte[] torrent, String announceUrl) {
        if (torrent.length < 2 || torrent[0] != 'd') {
            throw new IllegalArgumentException("not a .torrent file (a bencoded dictionary)");
        }
        List<Entry> entries = new ArrayList<>();
        BValue[] out = new BValue[1];
        int pos = 1;
        boolean hasInfo = false;
        try {
            while (true) {
                if (pos >= torrent.length) {
                    throw new IllegalArgumentException("the .torrent file is cut short");
                }
                if (torrent[pos] == 'e') {
                    pos++;
                    break;
                }
                pos += Bencode.decodePrefix(torrent, pos, torrent.length - pos, LIMITS, out);
                if (!(out[0] instanceof BBytes key)) {
                    throw new IllegalArgumentException("a dictionary key of the .torrent file is not a string");
                }
                int from = pos;
                pos += Bencode.decodePrefix(torrent, pos, torrent.length - pos, LIMITS, out);
                if (Arrays.equals(key.value(), INFO)) {
                    if (!(out[0] instanceof BDict)) {
                        throw new IllegalArgumentException("the .torrent file's 'info' is not a dictionary");
                    }
                    hasInfo = true;
                }
                entries.add(new Entry(key.value(), from, pos));
            }
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("not a valid .torrent file: " + e.getMessage());
        }
        if (pos != torrent.length) {
            throw new IllegalArgumentException("data after the end of the .torrent file's dictionary");
        }
        if (!hasInfo) {
            throw new IllegalArgumentException("the .torrent file has no 'info' dictionary");
        }
        byte[] url = announceUrl.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream(torrent.length + url.length + 32);
        b.write('d');
        boolean written = false;
        for (Entry e : entries) {
            if (Arrays.equals(e.key(), ANNOUNCE) || Arrays.equals(e.key(), ANNOUNCE_LIST)) {
                continue;
            }
            if (!written && Arrays.compareUnsigned(ANNOUNCE, e.key()) < 0) {
                writeAnnounce(b, url);
                written = true;
            }
            writeString(b, e.key());
            b.write(torrent, e.from(), e.to() - e.from());
        }
        if (!written) {
            writeAnnounce(b, url);
        }
        b.write('e');
        return b.toByteArray();
    }

    private static void writeAnnounce(ByteArrayOutputStream b, byte[] url) {
        writeString(b, ANNOUNCE);
        writeString(b, url);
    }

    private static void writeString(ByteArrayOutputStream b, byte[] s) {
        b.writeBytes(Integer.toString(s.length).getBytes(StandardCharsets.US_ASCII));
        b.write(':');
        b.writeBytes(s);
    }
}
