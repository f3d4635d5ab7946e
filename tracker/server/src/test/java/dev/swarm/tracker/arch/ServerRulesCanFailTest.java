package dev.swarm.tracker.arch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.swarm.tracker.Tracker;
import dev.swarm.tracker.frontend.LayeringViolations.BansByItself;
import dev.swarm.tracker.frontend.LayeringViolations.ReadsTheStore;
import dev.swarm.tracker.frontend.udp.UdpFrontend;
import dev.swarm.tracker.logic.LayeringViolations.ReadsADatagram;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.dropwizard.DropwizardMetrics;
import dev.swarm.tracker.swarm.HeapSwarmStore;
import dev.swarm.tracker.swarm.LayeringViolations.CallsTheLogic;
import dev.swarm.tracker.swarm.OffHeapSwarmStore;
import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ServerRules} fails on a test-only class that breaks it, and passes on production classes that
 * keep it: a rule that passes on the production code says something. (The Lettuce rule has the same shape as the
 * Dropwizard and Chronicle rules, {@link ServerRules#onlyOwnerUses}; Lettuce is not on the class path to break it.)
 */
class ServerRulesCanFailTest {

    /** Outside the Dropwizard adapter, and uses Dropwizard. */
    static final class MakesARegistry {
        Object registry() {
            return new MetricRegistry();
        }
    }

    /** Outside the store, and uses Chronicle. */
    static final class OpensAMap {
        Class<?> map() {
            return ChronicleMap.class;
        }
    }

    private static JavaClasses classes(Class<?>... cs) {
        return new ClassFileImporter().importClasses(cs);
    }

    private static void fails(ArchRule rule, Class<?> violator) {
        AssertionError e = assertThrows(AssertionError.class, () -> rule.check(classes(violator)),
                rule.getDescription() + " should fail on " + violator.getName());
        assertTrue(e.getMessage().contains(violator.getSimpleName()), e.getMessage());
    }

    @Test
    void aFrontendReadingTheStoreBreaksTheStoreRule() throws Exception {
        fails(ServerRules.FRONTENDS_REACH_THE_STORE_ONLY_THROUGH_THE_LOGIC, ReadsTheStore.class);
        ServerRules.FRONTENDS_REACH_THE_STORE_ONLY_THROUGH_THE_LOGIC.check(classes(UdpFrontend.class,
                Class.forName("dev.swarm.tracker.frontend.http.TrackerHttpHandler")));
    }

    @Test
    void aFrontendBanningByItselfBreaksThePolicyRule() throws Exception {
        fails(ServerRules.FRONTENDS_APPLY_POLICIES_ONLY_THROUGH_THE_LOGIC, BansByItself.class);
        ServerRules.FRONTENDS_APPLY_POLICIES_ONLY_THROUGH_THE_LOGIC.check(classes(UdpFrontend.class,
                Class.forName("dev.swarm.tracker.frontend.udp.UdpHandler")));
    }

    @Test
    void aLogicClassKnowingUdpBreaksTheNeutralityRule() {
        fails(ServerRules.THE_LOGIC_IS_PROTOCOL_NEUTRAL, ReadsADatagram.class);
        ServerRules.THE_LOGIC_IS_PROTOCOL_NEUTRAL.check(classes(TrackerLogic.class));
    }

    @Test
    void aStoreClassCallingTheLogicBreaksTheStoreRule() {
        fails(ServerRules.THE_STORE_KNOWS_NOTHING_ABOVE_IT, CallsTheLogic.class);
        ServerRules.THE_STORE_KNOWS_NOTHING_ABOVE_IT.check(classes(HeapSwarmStore.class, OffHeapSwarmStore.class));
    }

    @Test
    void dropwizardOutsideItsAdapterBreaksTheMetricsRule() {
        fails(ServerRules.ONLY_THE_DROPWIZARD_ADAPTER_IMPORTS_DROPWIZARD, MakesARegistry.class);
        ServerRules.ONLY_THE_DROPWIZARD_ADAPTER_IMPORTS_DROPWIZARD.check(classes(DropwizardMetrics.class, Tracker.class));
    }

    @Test
    void chronicleOutsideTheStoreBreaksTheChronicleRule() {
        fails(ServerRules.ONLY_THE_STORE_IMPORTS_CHRONICLE, OpensAMap.class);
        ServerRules.ONLY_THE_STORE_IMPORTS_CHRONICLE.check(classes(OffHeapSwarmStore.class, Tracker.class));
    }
}
