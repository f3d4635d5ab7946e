package dev.swarm.protocol.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The rules of {@code tracker/protocol} (README "Architecture"): wire formats only, JDK only, no I/O. Checked against
 * the production classes by {@link ProtocolArchitectureTest} and shown to fail on violating classes by
 * {@link ProtocolRulesCanFailTest}.
 */
final class ProtocolRules {
    static final String PROTOCOL = "dev.swarm.protocol..";

    /**
     * Types whose use is I/O: files, sockets, channels, HTTP clients, processes. {@code InetAddress} and
     * {@code InetSocketAddress} are allowed as values (compact peers); what resolves names is {@link #NO_NAME_LOOKUPS}.
     */
    static final DescribedPredicate<JavaClass> IO = resideInAnyPackage("java.nio.channels..", "java.nio.file..",
            "java.net.http..", "javax.net..", "java.rmi..", "jdk.net..", "com.sun.net..")
            .or(assignableTo(java.io.File.class))
            .or(assignableTo(java.io.FileDescriptor.class))
            .or(assignableTo(java.io.FileInputStream.class))
            .or(assignableTo(java.io.FileOutputStream.class))
            .or(assignableTo(java.io.FileReader.class))
            .or(assignableTo(java.io.FileWriter.class))
            .or(assignableTo(java.io.RandomAccessFile.class))
            .or(assignableTo(java.io.Console.class))
            .or(assignableTo(java.net.Socket.class))
            .or(assignableTo(java.net.ServerSocket.class))
            .or(assignableTo(java.net.DatagramSocket.class))
            .or(assignableTo(java.net.URL.class))
            .or(assignableTo(java.net.URLConnection.class))
            .or(assignableTo(java.net.NetworkInterface.class))
            .or(assignableTo(ProcessBuilder.class))
            .or(assignableTo(Process.class))
            .as("I/O classes (files, sockets, channels, URLs, HTTP clients, processes)");

    /** Only the JDK and the module itself. */
    static final ArchRule JDK_ONLY = classes().that().resideInAPackage(PROTOCOL)
            .should().onlyDependOnClassesThat(resideInAnyPackage(PROTOCOL, "java.."))
            .as("tracker/protocol depends on nothing but the JDK");

    static final ArchRule NO_IO = noClasses().that().resideInAPackage(PROTOCOL)
            .should().dependOnClassesThat(IO)
            .as("tracker/protocol does no I/O");

    /** Resolving a name is network I/O; {@code InetAddress.getByAddress} and literals are not. */
    static final ArchRule NO_NAME_LOOKUPS = noClasses().that().resideInAPackage(PROTOCOL)
            .should().callMethod(InetAddress.class, "getByName", String.class)
            .orShould().callMethod(InetAddress.class, "getAllByName", String.class)
            .orShould().callMethod(InetAddress.class, "getLocalHost")
            .orShould().callConstructor(InetSocketAddress.class, String.class, int.class)
            .as("tracker/protocol resolves no names");

    static final ArchRule NO_STANDARD_STREAMS = noClasses().that().resideInAPackage(PROTOCOL)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .as("tracker/protocol does not print");

    private ProtocolRules() {
    }
}
