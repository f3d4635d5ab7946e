package dev.swarm.protocol.udp;

import dev.swarm.protocol.Hex;

import java.util.Arrays;

/**
 * A BEP 15 scrape request: 1..{@value Udp#MAX_SCRAPE_HASHES} info-hashes of 20 bytes, in request order
 * (duplicates kept: the response must have one entry per requested hash, in the same order).
 *
 * <p>The arrays are owned by the record and not copied; equality and hash code compare contents.
 */
public record UdpScrapeRequest(long connectionId, int transactionId, byte[][] infoHashes) implements UdpRequest {

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpScrapeRequest r && connectionId == r.connectionId
                && transactionId == r.transactionId && Arrays.deepEquals(infoHashes, r.infoHashes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(infoHashes) + transactionId;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("UdpScrapeRequest[connectionId=").append(connectionId)
                .append(", transactionId=").append(transactionId).append(", infoHashes=[");
        for (int i = 0; i < infoHashes.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Hex.encode(infoHashes[i]));
        }
        return sb.append("]]").toString();
    }
}
