package dev.swarm.peerbridge.e2e;

/** A tracker the scenarios announce to: its HTTP and UDP announce URLs. */
public interface TestTracker extends AutoCloseable {
    String httpUrl();

    String udpUrl();

    @Override
    void close();
}
