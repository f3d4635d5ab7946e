package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.ProtocolException;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Tracker side of BEP 15 (with BEP 41 options): decodes requests, writes responses.
 *
 * <h2>Decoding: drop or reply</h2>
 * Modelled on aquatic. A {@link ProtocolException#drop drop} is for input that is not a plausible request
 * from a real client; answering it would only help spoofers and scanners:
 * <ul>
 *   <li>fewer than 16 bytes (no transaction id to answer with);</li>
 *   <li>a connect or announce larger than {@link Udp#MAX_REQUEST_SIZE} (a scrape that large is answered:
 *       it has too many info-hashes);</li>
 *   <li>a connect whose connection-id field is not {@link Udp#PROTOCOL_ID};</li>
 *   <li>an announce shorter than its fixed 98 bytes (no BEP 15 client sends one; the fields cannot be
 *       trusted).</li>
 * </ul>
 * A {@link ProtocolException#reply(long, int, String) reply} carries the transaction id and the request's
 * connection-id field; the server must validate that connection id (or cap the error packet at the
 * request's size, see {@link #writeError}) before answering, so an unauthenticated source never gets more
 * bytes back than it sent:
 * <ul>
 *   <li>an unknown action (including 3, error, which only trackers send);</li>
 *   <li>an announce with an event code outside 0..3, or port 0 with any event but {@code stopped} (a stop
 *       needs no port to be honoured, and libtorrent 1.1 sends port 0 when it stops);</li>
 *   <li>a scrape with no info-hash, more than {@link Udp#MAX_SCRAPE_HASHES}, or a hash list whose length
 *       is not a multiple of 20.</li>
 * </ul>
 *
 * <h2>BEP 41 options</h2>
 * After the 98 fixed announce bytes: type 0 (end of options) stops parsing, type 1 (NOP) is one byte,
 * every other type has a length byte and that many data bytes; URLData (type 2) payloads are
 * concatenated in order, unknown types are skipped. A truncated option (missing length byte or data)
 * makes the whole option list void: the request is kept with empty URL data, so a server that needs a
 * passkey from it rejects the request as it would one without options.
 *
 * <p>Connect requests may carry trailing bytes (ignored). Numbers are read big-endian whatever the
 * buffer's configured byte order. Decoding reads from the buffer's position to its limit and changes
 * neither; the result shares nothing with the buffer. Writers put at the buffer's position and advance
 * it; they throw {@link BufferOverflowException}, writing nothing, if the buffer is too small.
 */
public final class UdpCodec {

    private static final byte[] EMPTY = new byte[0];
    private static final int HASH_LENGTH = 20;

    // Drops carry no per-request data, and a stackless exception without a cause is immutable, so these
    // are shared: a flood of garbage allocates nothing.
    private static final ProtocolException TOO_SHORT = ProtocolException.drop("packet shorter than 16 bytes");
    private static final ProtocolException TOO_LARGE = ProtocolException.drop("packet larger than "
            + Udp.MAX_REQUEST_SIZE + " bytes");
    private static final ProtocolException BAD_PROTOCOL_ID = ProtocolException.drop(
            "connect request without the protocol id");
    private static final ProtocolException SHORT_ANNOUNCE = ProtocolException.drop(
            "announce shorter than 98 bytes");

    private UdpCodec() {
    }

    /**
     * Decodes the request in {@code packet} from its position to its limit.
     *
     * @throws ProtocolException drop or reply, as described in the class documentation
     */
    public static UdpRequest decode(ByteBuffer packet) throws ProtocolException {
        int at = packet.position();
        int n = packet.remaining();
        if (n < Udp.REQUEST_HEADER_SIZE) {
            throw TOO_SHORT;
        }
        long connectionId = Wire.getLong(packet, at);
        int action = Wire.getInt(packet, at + 8);
        int txId = Wire.getInt(packet, at + 12);
        return switch (action) {
            case Udp.CONNECT -> {
                if (n > Udp.MAX_REQUEST_SIZE) {
                    throw TOO_LARGE;
                }
                if (connectionId != Udp.PROTOCOL_ID) {
                    throw BAD_PROTOCOL_ID;
                }
                yield new ConnectRequest(txId);
            }
            case Udp.ANNOUNCE -> announce(packet, at, n, connectionId, txId);
            case Udp.SCRAPE -> scrape(packet, at, n, connectionId, txId);
            default -> throw ProtocolException.reply(connectionId, txId, "unknown action");
        };
    }

    private static UdpAnnounceRequest announce(ByteBuffer b, int at, int n, long connectionId, int txId)
            throws ProtocolException {
        if (n < Udp.ANNOUNCE_REQUEST_SIZE) {
            throw SHORT_ANNOUNCE;
        }
        if (n > Udp.MAX_REQUEST_SIZE) {
            throw TOO_LARGE;
        }
        int eventCode = Wire.getInt(b, at + 80);
        if (eventCode < 0 || eventCode > 3) {
            throw ProtocolException.reply(connectionId, txId, "invalid event");
        }
        int port = Wire.getUnsignedShort(b, at + 96);
        if (port == 0 && AnnounceEvent.fromUdpCode(eventCode) != AnnounceEvent.STOPPED) {
            throw ProtocolException.reply(connectionId, txId, "invalid port");
        }
        byte[] infoHash = new byte[HASH_LENGTH];
        b.get(at + 16, infoHash, 0, HASH_LENGTH);
        byte[] peerId = new byte[HASH_LENGTH];
        b.get(at + 36, peerId, 0, HASH_LENGTH);
        return new UdpAnnounceRequest(connectionId, txId, infoHash, peerId,
                Wire.getLong(b, at + 56), Wire.getLong(b, at + 64), Wire.getLong(b, at + 72),
                AnnounceEvent.fromUdpCode(eventCode), Wire.getInt(b, at + 84), Wire.getInt(b, at + 88),
                Wire.getInt(b, at + 92), port, urlData(b, at + Udp.ANNOUNCE_REQUEST_SIZE, at + n));
    }

    /** BEP 41 URLData payloads in {@code [from, to)} concatenated; empty if none or malformed. */
    private static byte[] urlData(ByteBuffer b, int from, int to) {
        int total = 0;
        int p = from;
        while (p < to) {
            int type = b.get(p) & 0xff;
            if (type == Udp.OPTION_END) {
                break;
            }
            if (type == Udp.OPTION_NOP) {
                p++;
                continue;
            }
            if (to - p < 2 || to - p - 2 < (b.get(p + 1) & 0xff)) {
                return EMPTY;
            }
            int len = b.get(p + 1) & 0xff;
            if (type == Udp.OPTION_URL_DATA) {
                total += len;
            }
            p += 2 + len;
        }
        if (total == 0) {
            return EMPTY;
        }
        byte[] out = new byte[total];
        int w = 0;
        p = from;
        while (w < total) {
            int type = b.get(p) & 0xff;
            if (type == Udp.OPTION_NOP) {
                p++;
                continue;
            }
            int len = b.get(p + 1) & 0xff;
            if (type == Udp.OPTION_URL_DATA) {
                b.get(p + 2, out, w, len);
                w += len;
            }
            p += 2 + len;
        }
        return out;
    }

    private static UdpScrapeRequest scrape(ByteBuffer b, int at, int n, long connectionId, int txId)
            throws ProtocolException {
        int bytes = n - Udp.REQUEST_HEADER_SIZE;
        if (bytes == 0) {
            throw ProtocolException.reply(connectionId, txId, "no info_hash in scrape");
        }
        if (bytes % HASH_LENGTH != 0) {
            throw ProtocolException.reply(connectionId, txId, "scrape length is not a multiple of 20");
        }
        int count = bytes / HASH_LENGTH;
        if (count > Udp.MAX_SCRAPE_HASHES) {
            throw ProtocolException.reply(connectionId, txId, "too many info_hash values");
        }
        byte[][] hashes = new byte[count][HASH_LENGTH];
        for (int i = 0; i < count; i++) {
            b.get(at + Udp.REQUEST_HEADER_SIZE + i * HASH_LENGTH, hashes[i], 0, HASH_LENGTH);
        }
        return new UdpScrapeRequest(connectionId, txId, hashes);
    }

    /**
     * Writes a connect response: action 0, transaction id, connection id (16 bytes).
     *
     * @return bytes written
     */
    public static int writeConnect(ByteBuffer out, int txId, long connectionId) {
        Wire.need(out, 16);
        Wire.putInt(out, Udp.CONNECT);
        Wire.putInt(out, txId);
        Wire.putLong(out, connectionId);
        return 16;
    }

    /**
     * Writes an announce response: action 1, transaction id, interval, leechers, seeders, then the
     * compact peer records {@code peers[off, off + len)} (6 bytes per IPv4 peer or 18 per IPv6 peer,
     * never mixed: the family is the request's).
     *
     * @return bytes written ({@code 20 + len})
     */
    public static int writeAnnounce(ByteBuffer out, int txId, int interval, int leechers, int seeders, byte[] peers,
                                    int off, int len) {
        Objects.checkFromIndexSize(off, len, peers.length);
        Wire.need(out, Udp.ANNOUNCE_RESPONSE_HEADER_SIZE + len);
        Wire.putInt(out, Udp.ANNOUNCE);
        Wire.putInt(out, txId);
        Wire.putInt(out, interval);
        Wire.putInt(out, leechers);
        Wire.putInt(out, seeders);
        out.put(peers, off, len);
        return Udp.ANNOUNCE_RESPONSE_HEADER_SIZE + len;
    }

    /**
     * Writes a scrape response: action 2, transaction id, then for each of the {@code n} torrents in request
     * order seeders, completed, leechers.
     *
     * @return bytes written ({@code 8 + 12 n})
     */
    public static int writeScrape(ByteBuffer out, int txId, int n, int[] seeders, int[] completed, int[] leechers) {
        Wire.need(out, Udp.RESPONSE_HEADER_SIZE + Udp.SCRAPE_RESPONSE_ENTRY_SIZE * n);
        Wire.putInt(out, Udp.SCRAPE);
        Wire.putInt(out, txId);
        for (int i = 0; i < n; i++) {
            Wire.putInt(out, seeders[i]);
            Wire.putInt(out, completed[i]);
            Wire.putInt(out, leechers[i]);
        }
        return Udp.RESPONSE_HEADER_SIZE + Udp.SCRAPE_RESPONSE_ENTRY_SIZE * n;
    }

    /**
     * Writes an error response: action 3, transaction id, message. The message is written as ASCII (other
     * chars become {@code '?'}) and cut so the whole packet is at most {@code maxTotalBytes}: pass the
     * request's size when its connection id was not validated, so the answer never amplifies.
     *
     * @return bytes written; 0 (nothing written, send nothing) if {@code maxTotalBytes < 8}
     */
    public static int writeError(ByteBuffer out, int txId, String message, int maxTotalBytes) {
        if (maxTotalBytes < Udp.RESPONSE_HEADER_SIZE) {
            return 0;
        }
        int len = Math.min(message.length(), maxTotalBytes - Udp.RESPONSE_HEADER_SIZE);
        Wire.need(out, Udp.RESPONSE_HEADER_SIZE + len);
        Wire.putInt(out, Udp.ERROR);
        Wire.putInt(out, txId);
        for (int i = 0; i < len; i++) {
            char c = message.charAt(i);
            out.put(c >= 0x20 && c < 0x7f ? (byte) c : (byte) '?');
        }
        return Udp.RESPONSE_HEADER_SIZE + len;
    }
}
