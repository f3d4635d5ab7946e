package dev.swarm.peerbridge.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.swarm.tracker.standin.TrackerServerStandIn;
import org.junit.jupiter.api.Test;

/**
 * Peerbridge speaks the tracker protocol as a client through {@code tracker-protocol} ({@code dev.swarm.protocol})
 * and never uses the tracker server ({@code dev.swarm.tracker}), not even through a test-scoped jar slipping into
 * the main code. The rule is checked on the production classes and shown failing on a class that breaks it.
 */
class PeerbridgeArchitectureTest {
    static final ArchRule NEVER_USES_THE_TRACKER_SERVER = noClasses().that().resideInAPackage("dev.swarm.peerbridge..")
            .should().dependOnClassesThat().resideInAPackage("dev.swarm.tracker..")
            .as("peerbridge never uses the tracker server (dev.swarm.tracker..)");

    /** Breaks the rule: a peerbridge class calling into the tracker's packages. */
    static final class UsesTheTracker {
        int trackerPort() {
            return TrackerServerStandIn.port();
        }
    }

    @Test
    void productionClassesNeverUseTheTrackerServer() {
        JavaClasses production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.swarm.peerbridge");
        assertTrue(production.size() > 20, "the production classes were found: " + production.size());
        NEVER_USES_THE_TRACKER_SERVER.check(production);
    }

    @Test
    void theRuleFailsOnAClassThatUsesTheTracker() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> NEVER_USES_THE_TRACKER_SERVER.check(new ClassFileImporter().importClasses(UsesTheTracker.class)));
        assertTrue(e.getMessage().contains("TrackerServerStandIn"), e.getMessage());
    }
}
