package dev.swarm.peerbridge.wire;

import java.util.BitSet;

/**
 * What one peer has: the pieces of its bitfield and later {@code have} messages (BEP 3).
 * The piece count may be unknown (a magnet link before metadata); then indexes are only bounded
 * by {@code maxPieces} and {@link #validate(int)} checks them once the count is known.
 * Not thread-safe: owned by the connection that fills it.
 */
public final class PieceSet {
    private final int maxPieces;
    private int pieceCount;
    private final BitSet bits = new BitSet();
    private boolean bitfieldSeen;

    /**
     * @param pieceCount the torrent's piece count, or -1 if unknown
     * @param maxPieces  the bound on indexes while the count is unknown
     */
    public PieceSet(int pieceCount, int maxPieces) {
        this.pieceCount = pieceCount;
        this.maxPieces = maxPieces;
    }

    /**
     * Applies a bitfield message. BEP 3: only as the first message, of length ceil(pieces / 8),
     * spare bits zero.
     *
     * @throws WireException if it comes twice, has the wrong length or sets a spare bit
     */
    public void applyBitfield(byte[] field) throws WireException {
        if (bitfieldSeen) {
            throw new WireException("bitfield after a bitfield or have message");
        }
        bitfieldSeen = true;
        long limitBits = pieceCount >= 0 ? pieceCount : maxPieces;
        if (pieceCount >= 0 && field.length != (pieceCount + 7) / 8) {
            throw new WireException("bitfield of " + field.length + " bytes for " + pieceCount + " pieces");
        }
        if ((long) field.length * 8 > ((limitBits + 7) / 8) * 8) {
            throw new WireException("bitfield of " + field.length + " bytes over the bound of " + limitBits + " pieces");
        }
        for (int i = 0; i < field.length * 8; i++) {
            if ((field[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
                if (i >= limitBits) {
                    throw new WireException("bitfield sets spare bit " + i);
                }
                bits.set(i);
            }
        }
    }

    /**
     * Records a {@code have} message.
     *
     * @throws WireException if the index is beyond the piece count (or the bound while unknown)
     */
    public void applyHave(int index) throws WireException {
        long limit = pieceCount >= 0 ? pieceCount : maxPieces;
        if (index < 0 || index >= limit) {
            throw new WireException("have index " + index + " beyond " + limit + " pieces");
        }
        bitfieldSeen = true;
        bits.set(index);
    }

    /**
     * Sets the piece count once it is known (metadata arrived).
     *
     * @throws WireException if a recorded index is beyond it
     */
    public void validate(int count) throws WireException {
        if (bits.length() > count) {
            throw new WireException("peer claims piece " + (bits.length() - 1) + " of a " + count + "-piece torrent");
        }
        pieceCount = count;
    }

    public boolean has(int index) {
        return bits.get(index);
    }

    /** A copy of the pieces held. */
    public BitSet bits() {
        return (BitSet) bits.clone();
    }

    public int count() {
        return bits.cardinality();
    }

    /** The piece count, or -1 while unknown. */
    public int pieceCount() {
        return pieceCount;
    }

    /** True when the piece count is known and every piece is present. */
    public boolean isComplete() {
        return pieceCount > 0 && bits.cardinality() == pieceCount;
    }
}
