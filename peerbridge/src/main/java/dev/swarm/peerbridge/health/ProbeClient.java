package dev.swarm.peerbridge.health;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Probes one tracker: one result per address family of its host (after one retry each). */
public interface ProbeClient extends AutoCloseable {
    /**
     * @param url        the tracker URL
     * @param infoHashes torrents the bridge has on this tracker (scraped for figures), may be empty
     * @return one result per address family probed; never fails exceptionally
     */
    CompletableFuture<List<ProbeResult>> probe(String url, List<byte[]> infoHashes);

    @Override
    void close();
}
