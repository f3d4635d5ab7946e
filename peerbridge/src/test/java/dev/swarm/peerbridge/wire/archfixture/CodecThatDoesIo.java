package dev.swarm.peerbridge.wire.archfixture;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Breaks the codec rule on purpose (a socket and a name lookup in a codec package); only the architecture test reads it. */
public final class CodecThatDoesIo {
    private CodecThatDoesIo() {
    }

    static void send() throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.getLocalPort();
        }
    }

    static InetAddress lookup(String host) throws UnknownHostException {
        return InetAddress.getByName(host);
    }
}
