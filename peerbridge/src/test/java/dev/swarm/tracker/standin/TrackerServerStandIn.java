package dev.swarm.tracker.standin;

/**
 * Test-only stand-in for a class of the tracker server (whose jar is not on peerbridge's class path), so
 * {@code PeerbridgeArchitectureTest} can show that its rule fails on a peerbridge class that uses the tracker.
 */
public final class TrackerServerStandIn {
    public static int port() {
        return 6969;
    }
}
