package dev.swarm.protocol.http;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.Hex;
import dev.swarm.protocol.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses the raw query string of HTTP announce (BEP 3, 7, 23) and scrape (BEP 48) requests, as the bytes
 * after {@code '?'}, still percent-encoded: {@code info_hash} and {@code peer_id} are binary, so a
 * framework's text-decoded parameter map would lose them.
 *
 * <p>Rules, applied strictly and without regular expressions or intermediate strings:
 * <ul>
 *   <li>Parameters are separated by {@code '&'}; a parameter without {@code '='} has an empty value.
 *       Names are matched literally (not percent-decoded); unknown names are ignored.</li>
 *   <li>Values are percent-decoded: {@code %} must be followed by two hex digits, {@code '+'} is a space
 *       (HTML form encoding), any other byte stands for itself.</li>
 *   <li>{@code info_hash} and {@code peer_id} must decode to exactly 20 bytes.</li>
 *   <li>Numbers are plain decimal digits, no sign, no percent-encoding: {@code port} 1..65535, or 0 with
 *       {@code event=stopped} only (libtorrent 1.1 sends {@code port=0} when it stops after closing its
 *       listen sockets: the stop is still honoured, a peer without a port is never listed);
 *       {@code uploaded}, {@code downloaded}, {@code left} 0..{@link Long#MAX_VALUE}; {@code numwant}
 *       capped at {@link Integer#MAX_VALUE}; a negative numwant ({@code -1}, as some clients send) means the
 *       tracker's default and is returned as -1.</li>
 *   <li>Announce requires {@code info_hash}, {@code peer_id}, {@code port} and {@code left};
 *       {@code uploaded} and {@code downloaded} default to 0. Any recognised parameter given twice is
 *       rejected (one value per parameter leaves no room for two parsers to disagree).</li>
 *   <li>{@code event}: {@code started}, {@code completed}, {@code stopped}; {@code empty}, an empty value
 *       or absence mean a regular announce, and so does {@code paused} (BEP 21, sent by libtorrent for
 *       partial seeds). Anything else is rejected.</li>
 *   <li>{@code compact}: {@code 1} or absent means compact, {@code 0} the dictionary model; other values
 *       are rejected.</li>
 * </ul>
 * Every error is a {@link ProtocolException#reply(String) replyable} exception whose message is meant
 * to become the bencoded {@code failure reason}.
 */
public final class HttpQueryParser {

    /** Longest announce query accepted: a real announce is about 250 bytes, so 4 KiB leaves room for extensions. */
    public static final int MAX_QUERY_LENGTH = 4096;

    /**
     * Room per {@code info_hash} parameter in a scrape query on top of {@link #MAX_QUERY_LENGTH}:
     * {@code "info_hash="} (10) + 20 bytes fully percent-encoded (60) + {@code '&'} (1).
     */
    public static final int MAX_SCRAPE_PARAM_LENGTH = 71;

    private static final int HASH_LENGTH = 20;

    private static final int P_INFO_HASH = 0;
    private static final int P_PEER_ID = 1;
    private static final int P_PORT = 2;
    private static final int P_UPLOADED = 3;
    private static final int P_DOWNLOADED = 4;
    private static final int P_LEFT = 5;
    private static final int P_EVENT = 6;
    private static final int P_NUMWANT = 7;
    private static final int P_COMPACT = 8;
    private static final int P_NO_PEER_ID = 9;
    private static final int P_KEY = 10;
    private static final int P_IP = 11;

    private static final byte[][] NAMES = ascii("info_hash", "peer_id", "port", "uploaded", "downloaded", "left",
            "event", "numwant", "compact", "no_peer_id", "key", "ip");

    private static final String[] REPEATED = new String[NAMES.length];
    private static final String[] INVALID = new String[NAMES.length];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            String name = new String(NAMES[i], StandardCharsets.US_ASCII);
            REPEATED[i] = "repeated " + name;
            INVALID[i] = "invalid " + name;
        }
    }

    private static final byte[][] EVENTS = ascii("started", "completed", "stopped", "empty", "paused");
    private static final AnnounceEvent[] EVENT_VALUES = {AnnounceEvent.STARTED, AnnounceEvent.COMPLETED,
            AnnounceEvent.STOPPED, AnnounceEvent.NONE, AnnounceEvent.PAUSED};

    private HttpQueryParser() {
    }

    /**
     * Parses an announce query.
     *
     * @param query raw query bytes (after {@code '?'}, before any {@code '#'}), percent-encoded
     * @throws ProtocolException (replyable) if the query is too long, a required parameter is missing, or
     *                           a value is malformed, out of range or repeated
     * @throws IndexOutOfBoundsException if the region is not inside {@code query} (a caller bug)
     */
    public static AnnounceRequest parseAnnounce(byte[] query, int off, int len) throws ProtocolException {
        Objects.checkFromIndexSize(off, len, query.length);
        if (len > MAX_QUERY_LENGTH) {
            throw ProtocolException.reply("query too long");
        }
        byte[] infoHash = null;
        byte[] peerId = null;
        int port = 0;
        long uploaded = 0;
        long downloaded = 0;
        long left = -1;
        AnnounceEvent event = AnnounceEvent.NONE;
        int numWant = -1;
        boolean compact = true;
        boolean noPeerId = false;
        String key = null;
        String ip = null;
        int seen = 0;
        int end = off + len;
        int p = off;
        while (p < end) {
            int amp = indexOf(query, p, end, (byte) '&');
            int eq = indexOf(query, p, amp, (byte) '=');
            int id = paramId(query, p, eq - p);
            if (id >= 0) {
                if ((seen & 1 << id) != 0) {
                    throw ProtocolException.reply(REPEATED[id]);
                }
                seen |= 1 << id;
                int vs = eq < amp ? eq + 1 : amp;
                switch (id) {
                    case P_INFO_HASH -> infoHash = hash(query, vs, amp, id);
                    case P_PEER_ID -> peerId = hash(query, vs, amp, id);
                    case P_PORT -> {
                        long v = decimal(query, vs, amp);
                        if (v < 0 || v > 65535) {
                            throw ProtocolException.reply(INVALID[id]);
                        }
                        port = (int) v;
                    }
                    case P_UPLOADED -> uploaded = number(query, vs, amp, id);
                    case P_DOWNLOADED -> downloaded = number(query, vs, amp, id);
                    case P_LEFT -> left = number(query, vs, amp, id);
                    case P_EVENT -> event = event(query, vs, amp);
                    case P_NUMWANT -> numWant = numWant(query, vs, amp, id);
                    case P_COMPACT -> compact = flag(query, vs, amp, id);
                    case P_NO_PEER_ID -> noPeerId = !(amp - vs == 1 && query[vs] == '0');
                    case P_KEY -> key = text(query, vs, amp, id);
                    case P_IP -> ip = text(query, vs, amp, id);
                    default -> throw new AssertionError(id);
                }
            }
            p = amp + 1;
        }
        if (infoHash == null) {
            throw ProtocolException.reply("missing info_hash");
        }
        if (peerId == null) {
            throw ProtocolException.reply("missing peer_id");
        }
        if ((seen & 1 << P_PORT) == 0) {
            throw ProtocolException.reply("missing port");
        }
        if (port == 0 && event != AnnounceEvent.STOPPED) {
            throw ProtocolException.reply(INVALID[P_PORT]);
        }
        if (left < 0) {
            throw ProtocolException.reply("missing left");
        }
        return new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, event, numWant, compact,
                noPeerId, key, ip);
    }

    /**
     * Parses a scrape query (BEP 48): every {@code info_hash} value, in query order, duplicates kept.
     * Other parameters are ignored. No {@code info_hash} at all gives an empty list (the server decides
     * whether that means a full scrape or an error).
     *
     * @param maxHashes most {@code info_hash} values accepted
     * @throws ProtocolException (replyable) if there are more than {@code maxHashes} values, a value is not
     *                           20 bytes, or the query is longer than {@link #MAX_QUERY_LENGTH} +
     *                           {@code maxHashes} &times; {@link #MAX_SCRAPE_PARAM_LENGTH}
     */
    public static List<byte[]> parseScrape(byte[] query, int off, int len, int maxHashes) throws ProtocolException {
        Objects.checkFromIndexSize(off, len, query.length);
        if (len > MAX_QUERY_LENGTH + (long) Math.max(0, maxHashes) * MAX_SCRAPE_PARAM_LENGTH) {
            throw ProtocolException.reply("query too long");
        }
        List<byte[]> hashes = new ArrayList<>();
        int end = off + len;
        int p = off;
        while (p < end) {
            int amp = indexOf(query, p, end, (byte) '&');
            int eq = indexOf(query, p, amp, (byte) '=');
            if (matches(query, p, eq - p, NAMES[P_INFO_HASH])) {
                if (hashes.size() >= maxHashes) {
                    throw ProtocolException.reply("too many info_hash values");
                }
                hashes.add(hash(query, eq < amp ? eq + 1 : amp, amp, P_INFO_HASH));
            }
            p = amp + 1;
        }
        return hashes;
    }

    /**
     * The first value of parameter {@code name}, percent-decoded as ISO-8859-1 (one char per byte), for
     * server extensions such as a passkey. Null if the parameter is absent or its value is not validly
     * percent-encoded.
     */
    public static String param(byte[] query, int off, int len, String name) {
        Objects.checkFromIndexSize(off, len, query.length);
        int end = off + len;
        int p = off;
        while (p < end) {
            int amp = indexOf(query, p, end, (byte) '&');
            int eq = indexOf(query, p, amp, (byte) '=');
            if (matches(query, p, eq - p, name)) {
                int vs = eq < amp ? eq + 1 : amp;
                byte[] buf = new byte[amp - vs];
                int n = percentDecode(query, vs, amp, buf);
                return n < 0 ? null : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            }
            p = amp + 1;
        }
        return null;
    }

    /**
     * Percent-decodes {@code src[from, to)} into {@code dst} ({@code '+'} becomes a space).
     *
     * @return the number of bytes written, -1 if the encoding is malformed, or {@code dst.length + 1} if the
     * decoded value does not fit in {@code dst}
     */
    static int percentDecode(byte[] src, int from, int to, byte[] dst) {
        int n = 0;
        int i = from;
        while (i < to) {
            if (n == dst.length) {
                return dst.length + 1;
            }
            int c = src[i];
            if (c == '%') {
                if (to - i < 3) {
                    return -1;
                }
                int hi = Hex.digit(src[i + 1]);
                int lo = Hex.digit(src[i + 2]);
                if ((hi | lo) < 0) {
                    return -1;
                }
                dst[n++] = (byte) (hi << 4 | lo);
                i += 3;
            } else {
                dst[n++] = c == '+' ? (byte) ' ' : (byte) c;
                i++;
            }
        }
        return n;
    }

    private static byte[] hash(byte[] q, int from, int to, int id) throws ProtocolException {
        byte[] out = new byte[HASH_LENGTH];
        if (percentDecode(q, from, to, out) != HASH_LENGTH) {
            throw ProtocolException.reply(INVALID[id]);
        }
        return out;
    }

    private static String text(byte[] q, int from, int to, int id) throws ProtocolException {
        byte[] buf = new byte[to - from];
        int n = percentDecode(q, from, to, buf);
        if (n < 0) {
            throw ProtocolException.reply(INVALID[id]);
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static long number(byte[] q, int from, int to, int id) throws ProtocolException {
        long v = decimal(q, from, to);
        if (v < 0) {
            throw ProtocolException.reply(INVALID[id]);
        }
        return v;
    }

    /** A negative numwant (some clients send -1 like BEP 15 does) means "the tracker's default": -1. */
    private static int numWant(byte[] q, int from, int to, int id) throws ProtocolException {
        if (to - from >= 2 && q[from] == '-' && decimal(q, from + 1, to) >= 0) {
            return -1;
        }
        return (int) Math.min(Integer.MAX_VALUE, number(q, from, to, id));
    }

    private static boolean flag(byte[] q, int from, int to, int id) throws ProtocolException {
        if (to - from == 1 && (q[from] == '0' || q[from] == '1')) {
            return q[from] == '1';
        }
        throw ProtocolException.reply(INVALID[id]);
    }

    private static AnnounceEvent event(byte[] q, int from, int to) throws ProtocolException {
        if (from == to) {
            return AnnounceEvent.NONE;
        }
        for (int i = 0; i < EVENTS.length; i++) {
            if (matches(q, from, to - from, EVENTS[i])) {
                return EVENT_VALUES[i];
            }
        }
        throw ProtocolException.reply(INVALID[P_EVENT]);
    }

    /** Plain decimal digits as a non-negative long, or -1 if empty, not all digits, or above Long.MAX_VALUE. */
    private static long decimal(byte[] q, int from, int to) {
        if (from == to) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = q[i] - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int paramId(byte[] q, int at, int len) {
        switch (len) {
            case 2:
                return matches(q, at, len, NAMES[P_IP]) ? P_IP : -1;
            case 3:
                return matches(q, at, len, NAMES[P_KEY]) ? P_KEY : -1;
            case 4:
                return matches(q, at, len, NAMES[P_PORT]) ? P_PORT : matches(q, at, len, NAMES[P_LEFT]) ? P_LEFT : -1;
            case 5:
                return matches(q, at, len, NAMES[P_EVENT]) ? P_EVENT : -1;
            case 7:
                return matches(q, at, len, NAMES[P_PEER_ID]) ? P_PEER_ID
                        : matches(q, at, len, NAMES[P_NUMWANT]) ? P_NUMWANT
                        : matches(q, at, len, NAMES[P_COMPACT]) ? P_COMPACT : -1;
            case 8:
                return matches(q, at, len, NAMES[P_UPLOADED]) ? P_UPLOADED : -1;
            case 9:
                return matches(q, at, len, NAMES[P_INFO_HASH]) ? P_INFO_HASH : -1;
            case 10:
                return matches(q, at, len, NAMES[P_DOWNLOADED]) ? P_DOWNLOADED
                        : matches(q, at, len, NAMES[P_NO_PEER_ID]) ? P_NO_PEER_ID : -1;
            default:
                return -1;
        }
    }

    private static boolean matches(byte[] q, int at, int len, byte[] name) {
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (q[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] q, int at, int len, String name) {
        if (len != name.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((q[at + i] & 0xff) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] q, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (q[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static byte[][] ascii(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
