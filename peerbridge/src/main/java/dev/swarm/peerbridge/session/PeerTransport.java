package dev.swarm.peerbridge.session;

import java.net.InetSocketAddress;

/** The byte pipe under one {@link PeerConnection}: Netty in production, anything for tests. */
public interface PeerTransport {
    /** Queues bytes for sending. */
    void send(byte[] bytes);

    /** Closes the connection; the connection's {@link PeerConnection#onClosed()} follows. */
    void close();

    InetSocketAddress remote();
}
