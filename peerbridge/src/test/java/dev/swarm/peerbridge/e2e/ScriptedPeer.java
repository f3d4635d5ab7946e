package dev.swarm.peerbridge.e2e;

import dev.swarm.peerbridge.wire.ExtensionHandshake;
import dev.swarm.peerbridge.wire.Handshake;
import dev.swarm.peerbridge.wire.MessageCodec;
import dev.swarm.peerbridge.wire.PeerMessage;
import dev.swarm.peerbridge.wire.WireException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A peer played by the test over a real loopback socket: writes what the test says, reads frames with a deadline. */
final class ScriptedPeer implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final ByteBuffer buffer = ByteBuffer.allocate(2 << 20);
    private final MessageCodec codec = new MessageCodec();
    Handshake remoteHandshake;

    ScriptedPeer(InetSocketAddress bridge) throws IOException {
        this(bridge, null);
    }

    /** Connects from {@code local} (e.g. 127.0.0.2, port 0), or from any address if null. */
    ScriptedPeer(InetSocketAddress bridge, InetSocketAddress local) throws IOException {
        socket = new Socket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(bridge, 5000);
        in = socket.getInputStream();
        buffer.flip();
    }

    static byte[] peerId(String tag) {
        byte[] id = ("-TS0001-" + tag + "000000000000").substring(0, 20).getBytes(StandardCharsets.US_ASCII);
        return id;
    }

    /** Sends our handshake (extension bit set) and reads the bridge's. */
    ScriptedPeer handshake(byte[] infoHash, String tag, long timeoutMillis) throws IOException, WireException {
        write(Handshake.withExtensions(infoHash, peerId(tag)).encode());
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while ((remoteHandshake = Handshake.read(buffer)) == null) {
            if (!fill(deadline)) {
                throw new SocketTimeoutException("no handshake from the bridge within " + timeoutMillis + " ms");
            }
        }
        return this;
    }

    /** Sends an extension handshake with {@code m = {lt_tex: texId}} (0: none) and no {@code tr}. */
    void extensionHandshake(int texId) throws IOException {
        ExtensionHandshake h = new ExtensionHandshake(texId == 0 ? Map.of() : Map.of("lt_tex", texId), 7000, "scripted", 10,
                null, null, null);
        send(new PeerMessage.Extended(0, h.encode()));
    }

    void send(PeerMessage m) throws IOException {
        write(MessageCodec.encode(m));
    }

    void write(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
    }

    /** The next message, or null if the deadline passed; throws if the bridge closed the connection. */
    PeerMessage next(long deadline) throws IOException, WireException {
        PeerMessage m;
        while ((m = codec.read(buffer)) == null) {
            if (!fill(deadline)) {
                return null;
            }
        }
        return m;
    }

    /** True if the bridge closed the connection before the deadline. */
    boolean closedBy(long deadline) throws IOException {
        try {
            while (System.currentTimeMillis() < deadline) {
                buffer.position(buffer.limit());
                if (!fill(deadline)) {
                    return false;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        }
        return false;
    }

    private boolean fill(long deadline) throws IOException {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
            return false;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        buffer.compact();
        try {
            int n = in.read(buffer.array(), buffer.position(), buffer.remaining());
            if (n < 0) {
                throw new java.io.EOFException("bridge closed the connection");
            }
            buffer.position(buffer.position() + n);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            buffer.flip();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
