package dev.swarm.peerbridge.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.swarm.peerbridge.wire.archfixture.CodecThatDoesIo;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's layers, checked on the production classes (and each rule shown failing on a class that breaks it):
 * the wire codecs ({@code wire}, {@code pex}, {@code dht.krpc}, the {@code ut_metadata} message and the info
 * dictionary) do no I/O and look up no names; only the history store touches JDBC/SQLite; only {@code web} uses
 * Undertow.
 */
class PeerbridgeLayersTest {
    private static final Set<String> PURE_METADATA = Set.of("dev.swarm.peerbridge.metadata.MetadataMessage",
            "dev.swarm.peerbridge.metadata.InfoDict");
    /** Address values a codec may build from bytes; everything else in java.net does I/O or lookups. */
    private static final Set<String> NET_VALUES = Set.of("java.net.InetAddress", "java.net.Inet4Address",
            "java.net.Inet6Address", "java.net.InetSocketAddress", "java.net.UnknownHostException");

    private static final String HISTORY_STORE = "dev.swarm.peerbridge.health.SqliteHistoryStore";

    private static final DescribedPredicate<JavaClass> A_CODEC = new DescribedPredicate<>("a wire codec") {
        @Override
        public boolean test(JavaClass c) {
            String p = c.getPackageName();
            return p.startsWith("dev.swarm.peerbridge.wire") || p.startsWith("dev.swarm.peerbridge.pex")
                    || p.startsWith("dev.swarm.peerbridge.dht.krpc") || PURE_METADATA.contains(c.getName());
        }
    };

    private static final DescribedPredicate<JavaClass> IO = new DescribedPredicate<>(
            "I/O (files, channels, sockets, HTTP, Netty, JDBC, Undertow, the bridge's own runtime)") {
        @Override
        public boolean test(JavaClass c) {
            String n = c.getName();
            String p = c.getPackageName();
            return p.startsWith("java.io") && !n.equals("java.io.IOException") && !n.equals("java.io.Serializable")
                    || p.startsWith("java.nio.file") || p.startsWith("java.nio.channels")
                    || p.equals("java.net") && !NET_VALUES.contains(n) || p.startsWith("java.net.http")
                    || p.startsWith("io.netty") || p.startsWith("java.sql") || p.startsWith("io.undertow")
                    || p.startsWith("dev.swarm.peerbridge.session") || p.startsWith("dev.swarm.peerbridge.net")
                    || p.startsWith("dev.swarm.peerbridge.web") || p.startsWith("dev.swarm.peerbridge.health");
        }
    };

    private static final DescribedPredicate<JavaMethodCall> A_NAME_LOOKUP = new DescribedPredicate<>(
            "a name lookup (InetAddress.getByName/getAllByName/getLocalHost)") {
        @Override
        public boolean test(JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            String m = call.getName();
            return owner.startsWith("java.net.Inet")
                    && (m.equals("getByName") || m.equals("getAllByName") || m.equals("getLocalHost")
                    || m.equals("getCanonicalHostName") || m.equals("getHostName"));
        }
    };

    static final ArchRule CODECS_DO_NO_IO = noClasses().that(A_CODEC).should().dependOnClassesThat(IO)
            .orShould().callMethodWhere(A_NAME_LOOKUP)
            .as("wire codecs (wire, pex, dht.krpc, metadata message and info dictionary) do no I/O and no name lookup");

    static final ArchRule ONLY_THE_HISTORY_STORE_USES_JDBC = noClasses()
            .that(new DescribedPredicate<JavaClass>("are not health.SqliteHistoryStore or a class nested in it") {
                @Override
                public boolean test(JavaClass c) {
                    String n = c.getName();
                    return !n.equals(HISTORY_STORE) && !n.startsWith(HISTORY_STORE + "$");
                }
            })
            .and().resideInAPackage("dev.swarm.peerbridge..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.sqlite..")
            .as("only health.SqliteHistoryStore uses JDBC/SQLite");

    static final ArchRule ONLY_WEB_USES_UNDERTOW = noClasses()
            .that().resideInAPackage("dev.swarm.peerbridge..").and().resideOutsideOfPackage("dev.swarm.peerbridge.web..")
            .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..")
            .as("only the web package uses Undertow");

    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.swarm.peerbridge");
        assertTrue(production.stream().filter(A_CODEC).count() > 15,
                "the codec classes were found: " + production.stream().filter(A_CODEC).count());
    }

    @Test
    void codecsDoNoIo() {
        CODECS_DO_NO_IO.check(production);
    }

    @Test
    void onlyTheHistoryStoreUsesJdbc() {
        ONLY_THE_HISTORY_STORE_USES_JDBC.check(production);
    }

    @Test
    void onlyWebUsesUndertow() {
        ONLY_WEB_USES_UNDERTOW.check(production);
    }

    @Test
    void theCodecRuleFailsOnACodecThatOpensASocketAndLooksUpAName() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> CODECS_DO_NO_IO.check(new ClassFileImporter().importClasses(CodecThatDoesIo.class)));
        assertTrue(e.getMessage().contains("DatagramSocket"), e.getMessage());
        assertTrue(e.getMessage().contains("getByName"), e.getMessage());
    }

    @Test
    void theJdbcAndUndertowRulesFailOnAClassOutsideTheirPackage() {
        JavaClasses bridge = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.swarm.peerbridge.health", "dev.swarm.peerbridge.web");
        // the rules, widened to forbid their own adapter, fail on it: so they do see the imports they forbid
        assertThrows(AssertionError.class, () -> noClasses().that().resideInAPackage("dev.swarm.peerbridge..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.sqlite..").check(bridge));
        assertThrows(AssertionError.class, () -> noClasses().that().resideInAPackage("dev.swarm.peerbridge..")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..").check(bridge));
    }
}
