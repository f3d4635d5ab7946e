package dev.swarm.tracker.swarm;

import dev.swarm.protocol.AnnounceEvent;

/**
 * Reusable, per-thread input of one announce: fill the fields, call
 * {@link SwarmStore#announce(AnnounceOp, long, PeerSample)}, reuse for the next request. The store
 * reads it and never keeps a reference to it.
 *
 * <p>The peer is keyed by {@link #peer}: the compact address and port (network order) of the
 * request's source, in its first {@link Family#recordLength()} bytes. The peer id plays no part.
 */
public final class AnnounceOp {
    /** The torrent's 20-byte info-hash. */
    public final byte[] infoHash = new byte[20];
    /** Address family of {@link #peer}; selects the swarm. Required. */
    public Family family;
    /** Compact peer: address (4 or 16 bytes) then big-endian port; the first {@code family.recordLength()} bytes are used. */
    public final byte[] peer = new byte[18];
    /** The announce event. Required ({@link AnnounceEvent#NONE} for a regular announce). */
    public AnnounceEvent event = AnnounceEvent.NONE;
    /** {@code left == 0}: the peer has the whole torrent. */
    public boolean seeder;
    /** How many other peers the requester wants; negative counts as 0, more than the sample holds is capped. */
    public int numWant;
    /**
     * Whether this announce may create the swarm when it does not exist; when false, such an announce is refused as
     * {@link Outcome#TOO_MANY_SWARMS} (the caller knows why). Set by the caller for every announce.
     */
    public boolean createSwarm = true;

    /** Copies a 20-byte info-hash from {@code src[off..off+20)}. */
    public AnnounceOp infoHash(byte[] src, int off) {
        System.arraycopy(src, off, infoHash, 0, 20);
        return this;
    }

    /**
     * Sets the family and the compact peer from a raw address (4 or 16 bytes) and a port.
     *
     * @throws IllegalArgumentException if the address length is not 4 or 16 or the port is not 0..65535
     */
    public AnnounceOp peer(byte[] address, int port) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes, not " + address.length);
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        family = address.length == 4 ? Family.V4 : Family.V6;
        System.arraycopy(address, 0, peer, 0, address.length);
        peer[address.length] = (byte) (port >>> 8);
        peer[address.length + 1] = (byte) port;
        return this;
    }
}
