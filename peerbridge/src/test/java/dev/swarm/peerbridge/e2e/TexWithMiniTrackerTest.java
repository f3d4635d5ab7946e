package dev.swarm.peerbridge.e2e;

import java.nio.file.Path;

/** The BEP 28 scenarios against {@link MiniTracker}s (always available). */
class TexWithMiniTrackerTest extends TexScenarios {
    @Override
    TestTracker newTracker(Path dataDir) throws Exception {
        return new MiniTracker();
    }
}
