package dev.swarm.tracker.swarm;

/**
 * Address family of a swarm. IPv4 and IPv6 peers of one torrent live in separate swarms; a peer is
 * always returned to requesters of its own family, in the compact form of BEP 23 (IPv4) or BEP 7
 * (IPv6): the address in network order followed by the big-endian port.
 */
public enum Family {
    /** IPv4: 4-byte address, 6-byte compact peer. */
    V4(4),
    /** IPv6: 16-byte address, 18-byte compact peer. */
    V6(16);

    private final int addressLength;

    Family(int addressLength) {
        this.addressLength = addressLength;
    }

    /** Bytes of an address of this family: 4 or 16. */
    public int addressLength() {
        return addressLength;
    }

    /** Bytes of a compact peer (address + 2-byte port): 6 or 18. */
    public int recordLength() {
        return addressLength + 2;
    }
}
