package dev.swarm.peerbridge.metadata;

import dev.swarm.peerbridge.wire.WireException;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

/**
 * The BEP 9 {@code ut_metadata} messages: a bencoded dictionary {@code {msg_type, piece[, total_size]}},
 * followed for {@code data} by the block of the info dictionary (16 KiB, the last one shorter).
 * Pure codec: no I/O, no state. Decoding ignores unknown keys; a payload that is not a dictionary,
 * a missing or negative {@code piece}, a {@code data} without a positive {@code total_size} or with a
 * block over 16 KiB is an error; an unknown {@code msg_type} decodes to null (BEP 9: ignore it).
 */
public sealed interface MetadataMessage {
    /** Bytes per metadata piece (BEP 9). */
    int BLOCK = 16 * 1024;
    int REQUEST = 0;
    int DATA = 1;
    int REJECT = 2;

    /** The piece index. */
    int piece();

    /** {@code {msg_type: 0, piece}}: asks for one piece. */
    record Request(int piece) implements MetadataMessage {
    }

    /** {@code {msg_type: 1, piece, total_size}} + block. */
    record Data(int piece, long totalSize, byte[] block) implements MetadataMessage {
    }

    /** {@code {msg_type: 2, piece}}: the sender will not send this piece. */
    record Reject(int piece) implements MetadataMessage {
    }

    /** Bounds: the dictionary is small and flat; the frame limit bounds the rest. */
    BencodeLimits LIMITS = new BencodeLimits(4, 1 << 20, 64, false);

    /**
     * Decodes one payload (after the extended id byte).
     *
     * @return the message, or null for an unknown {@code msg_type}
     * @throws WireException if the payload is malformed
     */
    static MetadataMessage decode(byte[] payload) throws WireException {
        BValue[] out = new BValue[1];
        int dictLength;
        try {
            dictLength = Bencode.decodePrefix(payload, 0, payload.length, LIMITS, out);
        } catch (ProtocolException e) {
            throw new WireException("ut_metadata message is not valid bencode: " + e.getMessage(), e);
        }
        if (!(out[0] instanceof BDict d)) {
            throw new WireException("ut_metadata message is not a bencoded dictionary");
        }
        Long type = d.integer("msg_type");
        Long piece = d.integer("piece");
        if (type == null) {
            throw new WireException("ut_metadata message without msg_type");
        }
        if (type < REQUEST || type > REJECT) {
            return null;
        }
        if (piece == null || piece < 0 || piece > Integer.MAX_VALUE) {
            throw new WireException("ut_metadata message without a valid piece: " + piece);
        }
        int index = piece.intValue();
        if (type == REQUEST) {
            return new Request(index);
        }
        if (type == REJECT) {
            return new Reject(index);
        }
        Long total = d.integer("total_size");
        if (total == null || total <= 0) {
            throw new WireException("ut_metadata data without a positive total_size: " + total);
        }
        int rest = payload.length - dictLength;
        if (rest > BLOCK) {
            throw new WireException("ut_metadata block of " + rest + " bytes, over " + BLOCK);
        }
        byte[] block = new byte[rest];
        System.arraycopy(payload, dictLength, block, 0, rest);
        return new Data(index, total, block);
    }

    /** The payload (without the extended id byte): keys in canonical order, then the block for data. */
    static byte[] encode(MetadataMessage m) {
        BDict.Builder b = BDict.builder();
        switch (m) {
            case Request r -> b.put("msg_type", REQUEST).put("piece", r.piece());
            case Reject r -> b.put("msg_type", REJECT).put("piece", r.piece());
            case Data d -> b.put("msg_type", DATA).put("piece", d.piece()).put("total_size", d.totalSize());
        }
        byte[] dict = Bencode.encode(b.build());
        if (!(m instanceof Data d)) {
            return dict;
        }
        byte[] out = new byte[dict.length + d.block().length];
        System.arraycopy(dict, 0, out, 0, dict.length);
        System.arraycopy(d.block(), 0, out, dict.length, d.block().length);
        return out;
    }

    /** The number of pieces of a metadata size. */
    static int pieceCount(long size) {
        return (int) ((size + BLOCK - 1) / BLOCK);
    }

    /** The exact length of piece {@code piece} of metadata of {@code size} bytes. */
    static int blockLength(long size, int piece) {
        return (int) Math.min(BLOCK, size - (long) piece * BLOCK);
    }
}
