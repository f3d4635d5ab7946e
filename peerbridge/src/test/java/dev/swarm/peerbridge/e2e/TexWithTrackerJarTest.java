package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The BEP 28 scenarios against the project's tracker processes (tracker/server/target/tracker.jar).
 * Skipped, with the reason, while that jar is missing or does not get ready; a failure in CI (CI=true).
 */
class TexWithTrackerJarTest extends TexScenarios {
    @Override
    TestTracker newTracker(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        List<String> why = new ArrayList<>();
        TrackerProcess p = TrackerProcess.start(dataDir, why);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(p != null, () -> "tracker.jar not usable: " + why); // in CI the reactor has just built it
        }
        assumeTrue(p != null, () -> "tracker.jar not usable: " + why);
        return p;
    }
}
