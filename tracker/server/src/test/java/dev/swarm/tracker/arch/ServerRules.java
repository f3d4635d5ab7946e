package dev.swarm.tracker.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import dev.swarm.tracker.swarm.SwarmStore;
import dev.swarm.tracker.swarm.SwarmStores;

/**
 * The layering of the tracker server (README "Architecture"), as rules. Checked against the production classes by
 * {@link ServerArchitectureTest}; each is shown failing on a class that breaks it by {@link ServerRulesCanFailTest}.
 */
final class ServerRules {
    private static final String TRACKER = "dev.swarm.tracker";
    static final String FRONTEND = TRACKER + ".frontend..";
    static final String LOGIC = TRACKER + ".logic..";
    static final String STORE = TRACKER + ".swarm..";

    /** Frontends read and change swarms only through {@code TrackerLogic}: no store, no store factory. */
    static final ArchRule FRONTENDS_REACH_THE_STORE_ONLY_THROUGH_THE_LOGIC = noClasses().that().resideInAPackage(FRONTEND)
            .should().dependOnClassesThat(assignableTo(SwarmStore.class).or(type(SwarmStores.class)))
            .as("frontends reach the store only through the logic");

    /** Bans, rate limits, access lists and passkeys are steps of the logic's chain, not frontend code. */
    static final ArchRule FRONTENDS_APPLY_POLICIES_ONLY_THROUGH_THE_LOGIC = noClasses().that().resideInAPackage(FRONTEND)
            .should().dependOnClassesThat().resideInAnyPackage(TRACKER + ".abuse..", TRACKER + ".access..",
                    TRACKER + ".registry..")
            .as("frontends apply bans, limits and access policies only through the logic");

    /** The logic is protocol-neutral: no frontend, no network library, no wire format of one transport. */
    static final ArchRule THE_LOGIC_IS_PROTOCOL_NEUTRAL = noClasses().that().resideInAPackage(LOGIC)
            .should().dependOnClassesThat().resideInAnyPackage(FRONTEND, "io.netty..", "io.undertow..", "org.xnio..",
                    "dev.swarm.protocol.http..", "dev.swarm.protocol.udp..")
            .as("the logic knows no frontend, network library or transport wire format");

    /** The store is shaped by operations and knows nothing of who calls it. */
    static final ArchRule THE_STORE_KNOWS_NOTHING_ABOVE_IT = noClasses().that().resideInAPackage(STORE)
            .should().dependOnClassesThat().resideInAnyPackage(FRONTEND, LOGIC, TRACKER + ".access..",
                    TRACKER + ".abuse..", TRACKER + ".admin..", TRACKER + ".registry..")
            .as("the store depends on no frontend, logic or policy");

    static final ArchRule ONLY_THE_DROPWIZARD_ADAPTER_IMPORTS_DROPWIZARD =
            onlyOwnerUses(TRACKER + ".metrics.dropwizard..", "Dropwizard metrics", "com.codahale..", "io.prometheus..");

    static final ArchRule ONLY_THE_STORE_IMPORTS_CHRONICLE = onlyOwnerUses(STORE, "Chronicle", "net.openhft..");

    static final ArchRule ONLY_THE_CLUSTER_ADAPTER_IMPORTS_LETTUCE =
            onlyOwnerUses(TRACKER + ".cluster..", "Lettuce", "io.lettuce..");

    /** Only classes in {@code owner} may use {@code libraries}, so the library stays behind one adapter. */
    static ArchRule onlyOwnerUses(String owner, String name, String... libraries) {
        return noClasses().that().resideOutsideOfPackage(owner)
                .should().dependOnClassesThat().resideInAnyPackage(libraries)
                .as("only " + owner + " uses " + name);
    }

    private ServerRules() {
    }
}
