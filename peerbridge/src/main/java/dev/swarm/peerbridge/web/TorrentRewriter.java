package dev.swarm.peerbridge.web;

import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a .torrent file's trackers: {@code announce} becomes the first URL and {@code announce-list} (BEP 12) the
 * given tiers. Every other top-level entry, the {@code info} dictionary above all, is copied byte for byte from the
 * original, so the info-hash (SHA-1 of the info bytes as they appear in the file) stays the same. Keys are written
 * in the sorted order bencode requires. No I/O.
 */
final class TorrentRewriter {
    private static final BencodeLimits LIMITS = new BencodeLimits(64, 10 << 20, 2_000_000, false);
    private static final byte[] ANNOUNCE = "announce".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANNOUNCE_LIST = "announce-list".getBytes(StandardCharsets.US_ASCII);

    private TorrentRewriter() {
    }

    private record Entry(byte[] key, byte[] raw) {
    }

    /**
     * @param original the .torrent file as read (already validated by {@code Metainfo.parse})
     * @param tiers    trackers by tier, best first; empty: the file keeps no {@code announce} at all
     * @throws IllegalArgumentException if {@code original} is not a bencoded dictionary
     */
    static byte[] rewrite(byte[] original, List<List<String>> tiers) {
        if (original.length < 2 || original[0] != 'd') {
            throw new IllegalArgumentException("not a bencoded dictionary");
        }
        List<Entry> entries = new ArrayList<>();
        BValue[] out = new BValue[1];
        int pos = 1;
        try {
            while (pos < original.length && original[pos] != 'e') {
                int keyLength = Bencode.decodePrefix(original, pos, original.length - pos, LIMITS, out);
                if (!(out[0] instanceof BBytes k)) {
                    throw new IllegalArgumentException("dictionary key is not a byte string");
                }
                pos += keyLength;
                int valueLength = Bencode.decodePrefix(original, pos, original.length - pos, LIMITS, out);
                byte[] key = k.value();
                if (!Arrays.equals(key, ANNOUNCE) && !Arrays.equals(key, ANNOUNCE_LIST)) {
                    entries.add(new Entry(key, Arrays.copyOfRange(original, pos, pos + valueLength)));
                }
                pos += valueLength;
            }
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("invalid bencode: " + e.getMessage(), e);
        }
        List<List<String>> nonEmpty = tiers.stream().filter(t -> !t.isEmpty()).toList();
        if (!nonEmpty.isEmpty()) {
            entries.add(new Entry(ANNOUNCE, Bencode.encode(new BBytes(utf8(nonEmpty.get(0).get(0))))));
            List<BValue> list = new ArrayList<>();
            for (List<String> tier : nonEmpty) {
                List<BValue> urls = new ArrayList<>();
                for (String u : tier) {
                    urls.add(new BBytes(utf8(u)));
                }
                list.add(new BList(urls));
            }
            entries.add(new Entry(ANNOUNCE_LIST, Bencode.encode(new BList(list))));
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        ByteArrayOutputStream b = new ByteArrayOutputStream(original.length + 256);
        b.write('d');
        for (Entry e : entries) {
            b.writeBytes(Bencode.encode(new BBytes(e.key())));
            b.writeBytes(e.raw());
        }
        b.write('e');
        return b.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
