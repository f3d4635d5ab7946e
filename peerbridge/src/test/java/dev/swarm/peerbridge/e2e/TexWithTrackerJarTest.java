package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The BEP 28 scenarios against the project's tracker processes (tracker/server/target/tracker.jar).
 * Skipped, with the reason, while that jar is missing or does not get ready.
 */
class TexWithTrackerJarTest extends TexScenarios {
    @Override
    TestTracker newTracker(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        List<String> why = new ArrayList<>();
        TrackerProcess p = TrackerProcess.start(dataDir, why);
        assumeTrue(p != null, () -> "tracker.jar not usable: " + why);
        return p;
    }
}
