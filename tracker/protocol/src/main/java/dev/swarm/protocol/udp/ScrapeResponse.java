package dev.swarm.protocol.udp;

import java.util.Arrays;

/**
 * BEP 15 scrape response: one entry per requested info-hash, in request order. The arrays have equal
 * lengths, are owned by the record and not copied; equality compares contents.
 */
public record ScrapeResponse(int transactionId, int[] seeders, int[] completed, int[] leechers)
        implements UdpResponse {

    @Override
    public boolean equals(Object o) {
        return o instanceof ScrapeResponse r && transactionId == r.transactionId
                && Arrays.equals(seeders, r.seeders) && Arrays.equals(completed, r.completed)
                && Arrays.equals(leechers, r.leechers);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(seeders) + Arrays.hashCode(leechers)) + transactionId;
    }

    @Override
    public String toString() {
        return "ScrapeResponse[transactionId=" + transactionId + ", seeders=" + Arrays.toString(seeders)
                + ", completed=" + Arrays.toString(completed) + ", leechers=" + Arrays.toString(leechers) + "]";
    }
}
