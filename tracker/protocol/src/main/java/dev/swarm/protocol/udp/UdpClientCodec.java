package dev.swarm.protocol.udp;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.CompactPeers;
import dev.swarm.protocol.ProtocolException;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Client side of BEP 15 (with BEP 41 URL data): writes requests, decodes the tracker's responses.
 *
 * <p>Writers put at the buffer's position, advance it and return the bytes written; they throw
 * {@link BufferOverflowException}, writing nothing, if the buffer is too small. Numbers are
 * big-endian whatever the buffer's configured byte order. Decoding reads from position to limit and
 * changes neither; every problem is a {@link ProtocolException#drop drop} (there is no one to answer).
 */
public final class UdpClientCodec {

    private static final int HASH_LENGTH = 20;
    private static final int MAX_OPTION_DATA = 255;

    private UdpClientCodec() {
    }

    /** Writes a connect request: protocol id, action 0, transaction id (16 bytes). */
    public static int writeConnectRequest(ByteBuffer out, int txId) {
        Wire.need(out, Udp.REQUEST_HEADER_SIZE);
        Wire.putLong(out, Udp.PROTOCOL_ID);
        Wire.putInt(out, Udp.CONNECT);
        Wire.putInt(out, txId);
        return Udp.REQUEST_HEADER_SIZE;
    }

    /**
     * Writes an announce request (98 bytes, the IP field 0) followed by {@code urlData} split into BEP 41
     * URLData options of at most 255 bytes each (2 extra bytes per option).
     *
     * @param urlData the path and query of the announce URL (BEP 41), or null/empty for none
     * @throws IllegalArgumentException if a hash is not 20 bytes or the port is outside 0..65535
     */
    public static int writeAnnounceRequest(ByteBuffer out, long connId, int txId, byte[] infoHash, byte[] peerId,
                                           long downloaded, long left, long uploaded, AnnounceEvent ev, int key,
                                           int numWant, int port, byte[] urlData) {
        checkHash(infoHash, "info-hash");
        checkHash(peerId, "peer id");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port outside 0..65535: " + port);
        }
        int dataLen = urlData == null ? 0 : urlData.length;
        int options = (dataLen + MAX_OPTION_DATA - 1) / MAX_OPTION_DATA;
        int size = Udp.ANNOUNCE_REQUEST_SIZE + dataLen + 2 * options;
        Wire.need(out, size);
        Wire.putLong(out, connId);
        Wire.putInt(out, Udp.ANNOUNCE);
        Wire.putInt(out, txId);
        out.put(infoHash);
        out.put(peerId);
        Wire.putLong(out, downloaded);
        Wire.putLong(out, left);
        Wire.putLong(out, uploaded);
        Wire.putInt(out, ev.udpCode());
        Wire.putInt(out, 0);
        Wire.putInt(out, key);
        Wire.putInt(out, numWant);
        Wire.putShort(out, port);
        for (int p = 0; p < dataLen; p += MAX_OPTION_DATA) {
            int len = Math.min(MAX_OPTION_DATA, dataLen - p);
            out.put((byte) Udp.OPTION_URL_DATA);
            out.put((byte) len);
            out.put(urlData, p, len);
        }
        return size;
    }

    /**
     * Writes a scrape request: connection id, action 2, transaction id, the info-hashes.
     *
     * @throws IllegalArgumentException if there are no hashes, more than {@value Udp#MAX_SCRAPE_HASHES},
     *                                  or one is not 20 bytes
     */
    public static int writeScrapeRequest(ByteBuffer out, long connId, int txId, byte[][] infoHashes) {
        if (infoHashes.length == 0 || infoHashes.length > Udp.MAX_SCRAPE_HASHES) {
            throw new IllegalArgumentException("a scrape carries 1.." + Udp.MAX_SCRAPE_HASHES + " info-hashes");
        }
        for (byte[] h : infoHashes) {
            checkHash(h, "info-hash");
        }
        int size = Udp.REQUEST_HEADER_SIZE + HASH_LENGTH * infoHashes.length;
        Wire.need(out, size);
        Wire.putLong(out, connId);
        Wire.putInt(out, Udp.SCRAPE);
        Wire.putInt(out, txId);
        for (byte[] h : infoHashes) {
            out.put(h);
        }
        return size;
    }

    /**
     * Decodes a tracker's response.
     *
     * @param ipv6Peers whether announce peers are 18-byte IPv6 records (the request went over IPv6) rather
     *                  than 6-byte IPv4 records
     * @throws ProtocolException (drop) if the packet is shorter than its action needs, the peer or scrape
     *                           entries are not whole records, or the action is unknown
     */
    public static UdpResponse decodeResponse(ByteBuffer packet, boolean ipv6Peers) throws ProtocolException {
        int at = packet.position();
        int n = packet.remaining();
        if (n < Udp.RESPONSE_HEADER_SIZE) {
            throw ProtocolException.drop("response shorter than 8 bytes");
        }
        int action = Wire.getInt(packet, at);
        int txId = Wire.getInt(packet, at + 4);
        switch (action) {
            case Udp.CONNECT -> {
                if (n < 16) {
                    throw ProtocolException.drop("connect response shorter than 16 bytes");
                }
                return new ConnectResponse(txId, Wire.getLong(packet, at + 8));
            }
            case Udp.ANNOUNCE -> {
                if (n < Udp.ANNOUNCE_RESPONSE_HEADER_SIZE) {
                    throw ProtocolException.drop("announce response shorter than 20 bytes");
                }
                int size = ipv6Peers ? CompactPeers.V6_SIZE : CompactPeers.V4_SIZE;
                int peerBytes = n - Udp.ANNOUNCE_RESPONSE_HEADER_SIZE;
                if (peerBytes % size != 0) {
                    throw ProtocolException.drop("announce response peers are not whole " + size + "-byte records");
                }
                byte[] peers = new byte[peerBytes];
                packet.get(at + Udp.ANNOUNCE_RESPONSE_HEADER_SIZE, peers, 0, peerBytes);
                return new AnnounceResponse(txId, Wire.getInt(packet, at + 8), Wire.getInt(packet, at + 12),
                        Wire.getInt(packet, at + 16), peers);
            }
            case Udp.SCRAPE -> {
                int bytes = n - Udp.RESPONSE_HEADER_SIZE;
                if (bytes % Udp.SCRAPE_RESPONSE_ENTRY_SIZE != 0) {
                    throw ProtocolException.drop("scrape response entries are not whole 12-byte records");
                }
                int count = bytes / Udp.SCRAPE_RESPONSE_ENTRY_SIZE;
                int[] seeders = new int[count];
                int[] completed = new int[count];
                int[] leechers = new int[count];
                for (int i = 0; i < count; i++) {
                    int p = at + Udp.RESPONSE_HEADER_SIZE + i * Udp.SCRAPE_RESPONSE_ENTRY_SIZE;
                    seeders[i] = Wire.getInt(packet, p);
                    completed[i] = Wire.getInt(packet, p + 4);
                    leechers[i] = Wire.getInt(packet, p + 8);
                }
                return new ScrapeResponse(txId, seeders, completed, leechers);
            }
            case Udp.ERROR -> {
                byte[] text = new byte[n - Udp.RESPONSE_HEADER_SIZE];
                packet.get(at + Udp.RESPONSE_HEADER_SIZE, text, 0, text.length);
                return new ErrorResponse(txId, new String(text, StandardCharsets.UTF_8));
            }
            default -> throw ProtocolException.drop("unknown action " + action);
        }
    }

    private static void checkHash(byte[] h, String what) {
        if (h == null || h.length != HASH_LENGTH) {
            throw new IllegalArgumentException(what + " must be 20 bytes");
        }
    }
}
