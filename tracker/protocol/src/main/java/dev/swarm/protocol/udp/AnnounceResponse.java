package dev.swarm.protocol.udp;

import dev.swarm.protocol.Hex;

import java.util.Arrays;

/**
 * BEP 15 announce response.
 *
 * @param peers compact records, 6 bytes each (IPv4) or 18 (IPv6) as asked for when decoding; turn them
 *              into addresses with {@link dev.swarm.protocol.CompactPeers#decode}. Owned by the record, not
 *              copied; equality compares contents.
 */
public record AnnounceResponse(int transactionId, int interval, int leechers, int seeders, byte[] peers)
        implements UdpResponse {

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceResponse r && transactionId == r.transactionId && interval == r.interval
                && leechers == r.leechers && seeders == r.seeders && Arrays.equals(peers, r.peers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(peers) + transactionId;
    }

    @Override
    public String toString() {
        return "AnnounceResponse[transactionId=" + transactionId + ", interval=" + interval + ", leechers="
                + leechers + ", seeders=" + seeders + ", peers=" + Hex.encode(peers) + "]";
    }
}
