package dev.swarm.peerbridge.net;

import java.nio.ByteBuffer;

/** What a connection's owner hears from the network layer; all calls come on the event loop thread. */
public interface ChannelEvents {
    /** The connection is established. */
    void onOpen();

    /** Bytes arrived; the owner consumes whole units and leaves a partial one in the buffer. */
    void onBytes(ByteBuffer in);

    /** The connection is closed (by either side, or after an error). */
    void onClosed();
}
