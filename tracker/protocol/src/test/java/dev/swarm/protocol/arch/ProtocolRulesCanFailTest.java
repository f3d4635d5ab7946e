package dev.swarm.protocol.arch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.swarm.protocol.CompactPeers;
import dev.swarm.protocol.udp.UdpCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ProtocolRules} fails on a class that breaks it (the classes below live in the protocol's
 * package tree, in test sources only) and passes on a production class that keeps it, so a rule that passes on the
 * production code says something.
 */
class ProtocolRulesCanFailTest {

    static final class UsesALibrary {
        Object assertion() {
            return org.junit.jupiter.api.Assertions.class;
        }
    }

    static final class OpensASocket {
        Socket open() {
            return new Socket();
        }
    }

    static final class UsesAChannel {
        DatagramChannel open() throws IOException {
            return DatagramChannel.open();
        }
    }

    static final class ReadsAFile {
        byte[] read(Path p) throws IOException {
            return Files.readAllBytes(p);
        }
    }

    static final class LooksUpAName {
        InetAddress lookUp(String host) throws UnknownHostException {
            return InetAddress.getByName(host);
        }
    }

    static final class ResolvesAnEndpoint {
        InetSocketAddress endpoint(String host) {
            return new InetSocketAddress(host, 6969);
        }
    }

    static final class Prints {
        void print(String s) {
            System.out.println(s);
        }
    }

    private static JavaClasses classes(Class<?>... cs) {
        return new ClassFileImporter().importClasses(cs);
    }

    private static void fails(ArchRule rule, Class<?> violator) {
        AssertionError e = assertThrows(AssertionError.class, () -> rule.check(classes(violator)),
                rule.getDescription() + " should fail on " + violator.getSimpleName());
        assertTrue(e.getMessage().contains(violator.getSimpleName()), e.getMessage());
    }

    @Test
    void jdkOnlyFailsOnALibraryDependency() {
        fails(ProtocolRules.JDK_ONLY, UsesALibrary.class);
        ProtocolRules.JDK_ONLY.check(classes(CompactPeers.class, UdpCodec.class));
    }

    @Test
    void noIoFailsOnSocketsChannelsAndFiles() {
        fails(ProtocolRules.NO_IO, OpensASocket.class);
        fails(ProtocolRules.NO_IO, UsesAChannel.class);
        fails(ProtocolRules.NO_IO, ReadsAFile.class);
        ProtocolRules.NO_IO.check(classes(CompactPeers.class, UdpCodec.class));
    }

    @Test
    void noNameLookupsFailsOnResolvingCalls() {
        fails(ProtocolRules.NO_NAME_LOOKUPS, LooksUpAName.class);
        fails(ProtocolRules.NO_NAME_LOOKUPS, ResolvesAnEndpoint.class);
        ProtocolRules.NO_NAME_LOOKUPS.check(classes(CompactPeers.class));
    }

    @Test
    void noStandardStreamsFailsOnPrinting() {
        fails(ProtocolRules.NO_STANDARD_STREAMS, Prints.class);
        ProtocolRules.NO_STANDARD_STREAMS.check(classes(UdpCodec.class));
    }
}
