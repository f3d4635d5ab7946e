package dev.swarm.tracker.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The production classes of tracker/server keep {@link ServerRules}. */
@AnalyzeClasses(packages = "dev.swarm.tracker", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {
    @ArchTest
    static final ArchRule frontendsReachTheStoreOnlyThroughTheLogic = ServerRules.FRONTENDS_REACH_THE_STORE_ONLY_THROUGH_THE_LOGIC;
    @ArchTest
    static final ArchRule frontendsApplyPoliciesOnlyThroughTheLogic = ServerRules.FRONTENDS_APPLY_POLICIES_ONLY_THROUGH_THE_LOGIC;
    @ArchTest
    static final ArchRule theLogicIsProtocolNeutral = ServerRules.THE_LOGIC_IS_PROTOCOL_NEUTRAL;
    @ArchTest
    static final ArchRule theStoreKnowsNothingAboveIt = ServerRules.THE_STORE_KNOWS_NOTHING_ABOVE_IT;
    @ArchTest
    static final ArchRule onlyTheDropwizardAdapterImportsDropwizard = ServerRules.ONLY_THE_DROPWIZARD_ADAPTER_IMPORTS_DROPWIZARD;
    @ArchTest
    static final ArchRule onlyTheStoreImportsChronicle = ServerRules.ONLY_THE_STORE_IMPORTS_CHRONICLE;
    @ArchTest
    static final ArchRule onlyTheClusterAdapterImportsLettuce = ServerRules.ONLY_THE_CLUSTER_ADAPTER_IMPORTS_LETTUCE;
}
