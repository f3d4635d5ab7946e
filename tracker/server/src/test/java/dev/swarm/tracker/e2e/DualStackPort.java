package dev.swarm.tracker.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A port free for TCP and UDP on the dual-stack wildcard {@code [::]} right now, for a tracker listening there on both.
 * The configuration takes no port 0 yet (listen addresses are 1..65535), so the port is found by binding port 0 and
 * releasing it; another process may take it in between, which the bind of the tracker would then report.
 */
final class DualStackPort {
    private DualStackPort() {
    }

    static int free() throws IOException {
        InetAddress any = InetAddress.getByName("::"); // a literal: no lookup
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(any, 0));
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(any, port))) {
                    return port;
                } catch (IOException taken) {
                    // UDP side in use: try another.
                }
            }
        }
        throw new IOException("no port free for TCP and UDP on [::]");
    }
}
