package dev.swarm.protocol.http;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.CompactPeers;
import dev.swarm.protocol.IpText;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes bencoded HTTP tracker responses into a {@link ByteSink}, keys in ascending byte order as bencode
 * requires. Announce: BEP 3 (dictionary model), BEP 23 ({@code peers} compact), BEP 7 ({@code peers6}),
 * BEP 24 ({@code external ip}); scrape: BEP 48; failures: BEP 3 {@code failure reason}.
 *
 * <p>The announce writer copies the peer bytes it is given, so a store that keeps peers as compact wire
 * records can answer with one copy. A compact answer without a warning allocates nothing.
 *
 * <p>If the sink's bound is reached, its {@link IllegalStateException} leaves a partial message in the
 * sink: reset it before reuse.
 */
public final class HttpResponses {

    private static final byte[] K_COMPLETE = key("complete");
    private static final byte[] K_DOWNLOADED = key("downloaded");
    private static final byte[] K_EXTERNAL_IP = key("external ip");
    private static final byte[] K_FAILURE = key("failure reason");
    private static final byte[] K_FILES = key("files");
    private static final byte[] K_INCOMPLETE = key("incomplete");
    private static final byte[] K_INTERVAL = key("interval");
    private static final byte[] K_IP = key("ip");
    private static final byte[] K_MIN_INTERVAL = key("min interval");
    private static final byte[] K_PEERS = key("peers");
    private static final byte[] K_PEERS6 = key("peers6");
    private static final byte[] K_PORT = key("port");
    private static final byte[] K_WARNING = key("warning message");

    private static final int HASH_LENGTH = 20;

    private HttpResponses() {
    }

    /**
     * Writes an announce response.
     *
     * <p>Keys, in order: {@code complete}, {@code external ip} (if {@code externalIp} is not null),
     * {@code incomplete}, {@code interval}, {@code min interval} (if {@code minInterval > 0}), {@code peers},
     * {@code peers6} (compact only, if {@code peers6Len > 0}), {@code warning message} (if {@code warning}
     * is not null).
     *
     * <p>Compact ({@code compact = true}): {@code peers} is always written, as the IPv4 records in one
     * string (BEP 23); {@code peers6} carries the IPv6 records (BEP 7). Dictionary model
     * ({@code compact = false}): {@code peers} is a list of {@code {ip: <text>, port: <int>}} dictionaries
     * for both families (no {@code peer id}: peer ids are not stored).
     *
     * @param peers4     compact IPv4 records, 6 bytes each (4 address + 2 port, big-endian); may be null when
     *                   {@code peers4Len} is 0 (an IPv6 client's answer, which still carries an empty
     *                   {@code peers})
     * @param peers4Len  number of BYTES of {@code peers4} to use, a multiple of 6
     * @param peers6     compact IPv6 records, 18 bytes each; may be null when {@code peers6Len} is 0
     * @param peers6Len  number of BYTES of {@code peers6} to use, a multiple of 18
     * @param externalIp the requester's address as 4 or 16 raw bytes (BEP 24), or null
     * @param warning    text for {@code warning message} (UTF-8), or null
     * @throws IllegalArgumentException if a length is not a multiple of its record size, a length is
     *                                  positive but its array null, or {@code externalIp} is not 4 or 16
     *                                  bytes
     */
    public static void announce(ByteSink out, int interval, int minInterval, long complete, long incomplete,
                                byte[] peers4, int peers4Len, byte[] peers6, int peers6Len, byte[] externalIp,
                                String warning, boolean compact) {
        if (peers4Len % CompactPeers.V4_SIZE != 0 || peers6Len % CompactPeers.V6_SIZE != 0) {
            throw new IllegalArgumentException("peer byte lengths must be multiples of 6 (IPv4) and 18 (IPv6)");
        }
        if (peers4 == null && peers4Len != 0 || peers6 == null && peers6Len != 0) {
            throw new IllegalArgumentException("peer bytes are null but their length is not 0");
        }
        if (externalIp != null && externalIp.length != 4 && externalIp.length != 16) {
            throw new IllegalArgumentException("external ip must be 4 or 16 bytes");
        }
        out.write('d');
        out.write(K_COMPLETE);
        integer(out, complete);
        if (externalIp != null) {
            out.write(K_EXTERNAL_IP);
            string(out, externalIp, 0, externalIp.length);
        }
        out.write(K_INCOMPLETE);
        integer(out, incomplete);
        out.write(K_INTERVAL);
        integer(out, interval);
        if (minInterval > 0) {
            out.write(K_MIN_INTERVAL);
            integer(out, minInterval);
        }
        out.write(K_PEERS);
        if (compact) {
            string(out, peers4, 0, peers4Len);
            if (peers6Len > 0) {
                out.write(K_PEERS6);
                string(out, peers6, 0, peers6Len);
            }
        } else {
            out.write('l');
            peerDicts(out, peers4, peers4Len, CompactPeers.V4_SIZE);
            peerDicts(out, peers6, peers6Len, CompactPeers.V6_SIZE);
            out.write('e');
        }
        if (warning != null) {
            out.write(K_WARNING);
            utf8(out, warning);
        }
        out.write('e');
    }

    /**
     * Writes a scrape response (BEP 48): {@code files} maps each raw 20-byte info-hash to
     * {@code {complete, downloaded, incomplete}}. Entries are sorted by unsigned hash bytes and a hash given
     * more than once is written once (its first occurrence's counts). Only the first {@code n} entries of
     * each array are read.
     *
     * @throws IllegalArgumentException if a hash is not 20 bytes
     */
    public static void scrape(ByteSink out, byte[][] hashes, long[] complete, long[] downloaded, long[] incomplete,
                              int n) {
        for (int i = 0; i < n; i++) {
            if (hashes[i].length != HASH_LENGTH) {
                throw new IllegalArgumentException("info-hash " + i + " is not 20 bytes");
            }
        }
        int[] order = sortedOrder(hashes, n);
        out.write('d');
        out.write(K_FILES);
        out.write('d');
        byte[] prev = null;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (prev != null && Arrays.equals(prev, hashes[i])) {
                continue;
            }
            prev = hashes[i];
            string(out, hashes[i], 0, HASH_LENGTH);
            out.write('d');
            out.write(K_COMPLETE);
            integer(out, complete[i]);
            out.write(K_DOWNLOADED);
            integer(out, downloaded[i]);
            out.write(K_INCOMPLETE);
            integer(out, incomplete[i]);
            out.write('e');
        }
        out.write('e');
        out.write('e');
    }

    /** Writes {@code {failure reason: <reason>}} (BEP 3); the reason is written as UTF-8. */
    public static void failure(ByteSink out, String reason) {
        out.write('d');
        out.write(K_FAILURE);
        utf8(out, reason);
        out.write('e');
    }

    private static void peerDicts(ByteSink out, byte[] peers, int len, int size) {
        int addrLen = size - 2;
        byte[] text = new byte[IpText.MAX_TEXT];
        for (int p = 0; p < len; p += size) {
            out.write('d');
            out.write(K_IP);
            string(out, text, 0, IpText.write(peers, p, addrLen, text, 0));
            out.write(K_PORT);
            integer(out, (peers[p + addrLen] & 0xff) << 8 | (peers[p + addrLen + 1] & 0xff));
            out.write('e');
        }
    }

    /**
     * Indices {@code 0..n-1} ordered by unsigned hash bytes; stable, so the first of equal hashes comes
     * first.
     */
    private static int[] sortedOrder(byte[][] hashes, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int a = lo;
                int b = mid;
                int t = lo;
                while (a < mid && b < hi) {
                    tmp[t++] = Arrays.compareUnsigned(hashes[order[b]], hashes[order[a]]) < 0 ? order[b++] : order[a++];
                }
                while (a < mid) {
                    tmp[t++] = order[a++];
                }
                while (b < hi) {
                    tmp[t++] = order[b++];
                }
                System.arraycopy(tmp, lo, order, lo, hi - lo);
            }
        }
        return order;
    }

    private static void integer(ByteSink out, long v) {
        out.write('i');
        out.writeDecimal(v);
        out.write('e');
    }

    /** A bencoded string of {@code b[off, off + len)}; {@code b} may be null when {@code len} is 0. */
    private static void string(ByteSink out, byte[] b, int off, int len) {
        out.writeDecimal(len);
        out.write(':');
        if (len > 0) {
            out.write(b, off, len);
        }
    }

    private static void utf8(ByteSink out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        string(out, b, 0, b.length);
    }

    private static byte[] key(String k) {
        return (k.length() + ":" + k).getBytes(StandardCharsets.US_ASCII);
    }
}
