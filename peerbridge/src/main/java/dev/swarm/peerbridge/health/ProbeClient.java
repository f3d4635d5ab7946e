package dev.swarm.peerbridge.health;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Probes one tracker: one result per address family of its host (after one retry each). */
public interface ProbeClient extends AutoCloseable {
    /**
     * @param url        the tracker URL
     * @param infoHashes torrents the bridge has on this tracker (scraped for figures), may be empty
     * @param learned    the URL came from a peer: its addresses pass the SSRF filter before anything is sent
     * @return one result per address family probed; never fails exceptionally
     */
    CompletableFuture<List<ProbeResult>> probe(String url, List<byte[]> infoHashes, boolean learned);

    @Override
    void close();
}
