package dev.swarm.peerbridge.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The BEP 3 handshake: {@code <pstrlen=19><"BitTorrent protocol"><reserved 8><info_hash 20><peer_id 20>},
 * 68 bytes. Arrays are copied in and out, so an instance is immutable.
 */
public final class Handshake {
    /** The protocol string of BEP 3. */
    public static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    /** Total length on the wire: 1 + 19 + 8 + 20 + 20. */
    public static final int LENGTH = 1 + 19 + 8 + 20 + 20;
    /** Reserved byte index and bit for the extension protocol (BEP 10: {@code reserved[5] & 0x10}). */
    public static final int EXTENSION_BYTE = 5;
    public static final int EXTENSION_BIT = 0x10;
    /** Reserved byte index and bit for the DHT (BEP 5: {@code reserved[7] & 0x01}; the peer may send {@code port}). */
    public static final int DHT_BYTE = 7;
    public static final int DHT_BIT = 0x01;

    private final byte[] reserved;
    private final byte[] infoHash;
    private final byte[] peerId;

    /**
     * @throws IllegalArgumentException if the arrays are not 8, 20 and 20 bytes long
     */
    public Handshake(byte[] reserved, byte[] infoHash, byte[] peerId) {
        if (reserved.length != 8 || infoHash.length != 20 || peerId.length != 20) {
            throw new IllegalArgumentException("handshake needs reserved[8], info_hash[20], peer_id[20]");
        }
        this.reserved = reserved.clone();
        this.infoHash = infoHash.clone();
        this.peerId = peerId.clone();
    }

    /** A handshake whose reserved bytes announce only the extension protocol (BEP 10). */
    public static Handshake withExtensions(byte[] infoHash, byte[] peerId) {
        byte[] reserved = new byte[8];
        reserved[EXTENSION_BYTE] = EXTENSION_BIT;
        return new Handshake(reserved, infoHash, peerId);
    }

    /**
     * Reads a handshake if all 68 bytes are there; otherwise returns null and leaves the buffer
     * untouched (more bytes are needed).
     *
     * @throws WireException if the length byte or protocol string is not BEP 3's
     */
    public static Handshake read(ByteBuffer in) throws WireException {
        if (in.remaining() < 1) {
            return null;
        }
        int start = in.position();
        int pstrlen = in.get(start) & 0xff;
        if (pstrlen != PROTOCOL.length) {
            throw new WireException("handshake protocol length " + pstrlen + ", expected 19");
        }
        int have = Math.min(in.remaining() - 1, PROTOCOL.length);
        for (int i = 0; i < have; i++) {
            if (in.get(start + 1 + i) != PROTOCOL[i]) {
                throw new WireException("handshake protocol string is not 'BitTorrent protocol'");
            }
        }
        if (in.remaining() < LENGTH) {
            return null;
        }
        in.position(start + 1 + PROTOCOL.length);
        byte[] reserved = new byte[8];
        byte[] infoHash = new byte[20];
        byte[] peerId = new byte[20];
        in.get(reserved).get(infoHash).get(peerId);
        return new Handshake(reserved, infoHash, peerId);
    }

    /** The 68 bytes of this handshake. */
    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH)
                .put((byte) PROTOCOL.length).put(PROTOCOL).put(reserved).put(infoHash).put(peerId)
                .array();
    }

    /** The same handshake with the DHT bit set (BEP 5). */
    public Handshake withDht() {
        byte[] r = reserved.clone();
        r[DHT_BYTE] |= DHT_BIT;
        return new Handshake(r, infoHash, peerId);
    }

    /** Whether the peer runs a DHT node (BEP 5) and may be sent a {@code port} message. */
    public boolean supportsDht() {
        return (reserved[DHT_BYTE] & DHT_BIT) != 0;
    }

    public boolean supportsExtensions() {
        return (reserved[EXTENSION_BYTE] & EXTENSION_BIT) != 0;
    }

    public byte[] reserved() {
        return reserved.clone();
    }

    public byte[] infoHash() {
        return infoHash.clone();
    }

    public byte[] peerId() {
        return peerId.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && Arrays.equals(reserved, h.reserved)
                && Arrays.equals(infoHash, h.infoHash) && Arrays.equals(peerId, h.peerId);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(reserved) + Arrays.hashCode(infoHash)) + Arrays.hashCode(peerId);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Handshake[reserved=" + hex.formatHex(reserved) + ", info_hash=" + hex.formatHex(infoHash)
                + ", peer_id=" + hex.formatHex(peerId) + "]";
    }
}
