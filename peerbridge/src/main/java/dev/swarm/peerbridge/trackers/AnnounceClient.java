package dev.swarm.peerbridge.trackers;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one announce to one tracker URL. The future always completes (with a {@link AnnounceResult.Failure}
 * on any error or timeout), never exceptionally, and within the client's timeout.
 */
public interface AnnounceClient extends AutoCloseable {
    CompletableFuture<AnnounceResult> announce(String url, AnnounceRequest request);

    @Override
    void close();
}
