package dev.swarm.peerbridge.wire;

import java.nio.ByteBuffer;

/**
 * Length-prefixed BEP 3 message framing: {@code <length u32 big-endian><id u8><payload>}, a zero
 * length being a keep-alive. Stateless; the maximum declared length is the only setting.
 *
 * <p>{@link #read(ByteBuffer)} is the streaming entry point: it returns a message when a whole
 * frame is buffered, null when more bytes are needed, and throws {@link WireException} as soon
 * as the declared length is over the limit or a known message has the wrong payload size.
 */
public final class MessageCodec {
    /**
     * libtorrent drops a peer whose length prefix exceeds 1 MiB ({@code packet_too_large}); a
     * frame is then at most 1 MiB plus the 4-byte length header. Pieces are 16 KiB blocks, so
     * only a bitfield (8 Mi pieces) or an extension message gets near it.
     */
    public static final int DEFAULT_MAX_LENGTH = 1 << 20;

    private final int maxLength;

    public MessageCodec(int maxLength) {
        if (maxLength < 13) {
            throw new IllegalArgumentException("max frame length must hold a request message (13 bytes): " + maxLength);
        }
        this.maxLength = maxLength;
    }

    public MessageCodec() {
        this(DEFAULT_MAX_LENGTH);
    }

    public int maxLength() {
        return maxLength;
    }

    /**
     * Reads one frame if it is complete; otherwise returns null and leaves the buffer untouched.
     *
     * @throws WireException if the declared length is over the limit or the body is malformed
     */
    public PeerMessage read(ByteBuffer in) throws WireException {
        if (in.remaining() < 4) {
            return null;
        }
        int start = in.position();
        long length = Integer.toUnsignedLong(in.getInt(start));
        if (length > maxLength) {
            throw new WireException("declared message length " + length + " over the limit " + maxLength);
        }
        if (in.remaining() - 4 < length) {
            return null;
        }
        ByteBuffer body = in.slice(start + 4, (int) length);
        in.position(start + 4 + (int) length);
        return decodeBody(body);
    }

    /**
     * Decodes a complete frame body (id and payload, no length prefix); an empty body is a
     * keep-alive.
     *
     * @throws WireException if a known message's payload has the wrong size
     */
    public static PeerMessage decodeBody(ByteBuffer body) throws WireException {
        if (!body.hasRemaining()) {
            return new PeerMessage.KeepAlive();
        }
        int id = body.get() & 0xff;
        int n = body.remaining();
        return switch (id) {
            case PeerMessage.CHOKE -> empty(id, n, new PeerMessage.Choke());
            case PeerMessage.UNCHOKE -> empty(id, n, new PeerMessage.Unchoke());
            case PeerMessage.INTERESTED -> empty(id, n, new PeerMessage.Interested());
            case PeerMessage.NOT_INTERESTED -> empty(id, n, new PeerMessage.NotInterested());
            case PeerMessage.HAVE -> {
                exact(id, n, 4);
                yield new PeerMessage.Have(pieceIndex(body.getInt()));
            }
            case PeerMessage.BITFIELD -> new PeerMessage.Bitfield(rest(body));
            case PeerMessage.REQUEST -> {
                exact(id, n, 12);
                yield new PeerMessage.Request(pieceIndex(body.getInt()), body.getInt(), body.getInt());
            }
            case PeerMessage.PIECE -> {
                if (n < 8) {
                    throw new WireException("piece message of " + n + " bytes, needs at least 8");
                }
                yield new PeerMessage.Piece(pieceIndex(body.getInt()), body.getInt(), rest(body));
            }
            case PeerMessage.CANCEL -> {
                exact(id, n, 12);
                yield new PeerMessage.Cancel(pieceIndex(body.getInt()), body.getInt(), body.getInt());
            }
            case PeerMessage.PORT -> {
                exact(id, n, 2);
                yield new PeerMessage.Port(body.getShort() & 0xffff);
            }
            case PeerMessage.EXTENDED -> {
                if (n < 1) {
                    throw new WireException("extended message without an extended id");
                }
                int ext = body.get() & 0xff;
                yield new PeerMessage.Extended(ext, rest(body));
            }
            default -> new PeerMessage.Unknown(id, rest(body));
        };
    }

    /** The whole frame (length prefix included) for a message. */
    public static byte[] encode(PeerMessage message) {
        return switch (message) {
            case PeerMessage.KeepAlive k -> new byte[4];
            case PeerMessage.Choke c -> frame(PeerMessage.CHOKE, 0).array();
            case PeerMessage.Unchoke u -> frame(PeerMessage.UNCHOKE, 0).array();
            case PeerMessage.Interested i -> frame(PeerMessage.INTERESTED, 0).array();
            case PeerMessage.NotInterested n -> frame(PeerMessage.NOT_INTERESTED, 0).array();
            case PeerMessage.Have h -> frame(PeerMessage.HAVE, 4).putInt(h.index()).array();
            case PeerMessage.Bitfield b -> frame(PeerMessage.BITFIELD, b.bits().length).put(b.bits()).array();
            case PeerMessage.Request r -> frame(PeerMessage.REQUEST, 12)
                    .putInt(r.index()).putInt(r.begin()).putInt(r.length()).array();
            case PeerMessage.Piece p -> frame(PeerMessage.PIECE, 8 + p.block().length)
                    .putInt(p.index()).putInt(p.begin()).put(p.block()).array();
            case PeerMessage.Cancel c -> frame(PeerMessage.CANCEL, 12)
                    .putInt(c.index()).putInt(c.begin()).putInt(c.length()).array();
            case PeerMessage.Port p -> frame(PeerMessage.PORT, 2).putShort((short) p.port()).array();
            case PeerMessage.Extended e -> frame(PeerMessage.EXTENDED, 1 + e.payload().length)
                    .put((byte) e.extendedId()).put(e.payload()).array();
            case PeerMessage.Unknown u -> frame(u.id(), u.payload().length).put(u.payload()).array();
        };
    }

    private static ByteBuffer frame(int id, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + payloadLength);
        return b.putInt(1 + payloadLength).put((byte) id);
    }

    private static PeerMessage empty(int id, int n, PeerMessage m) throws WireException {
        exact(id, n, 0);
        return m;
    }

    private static void exact(int id, int n, int expected) throws WireException {
        if (n != expected) {
            throw new WireException("message id " + id + " with " + n + " payload bytes, expected " + expected);
        }
    }

    private static int pieceIndex(int raw) throws WireException {
        if (raw < 0) {
            throw new WireException("piece index " + Integer.toUnsignedString(raw) + " out of range");
        }
        return raw;
    }

    private static byte[] rest(ByteBuffer body) {
        byte[] out = new byte[body.remaining()];
        body.get(out);
        return out;
    }
}
