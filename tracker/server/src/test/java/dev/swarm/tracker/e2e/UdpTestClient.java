package dev.swarm.tracker.e2e;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.ConnectResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A BEP 15 client on a loopback socket for tests: connect, announce with BEP 41 URL data, scrape. */
final class UdpTestClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress tracker;
    private final boolean ipv6;
    private int txId = 1;

    UdpTestClient(int trackerPort) throws IOException {
        this(trackerPort, InetAddress.getLoopbackAddress());
    }

    /** A client bound to {@code local} (any 127.x.y.z works on Linux, so tests can play several addresses). */
    UdpTestClient(int trackerPort, InetAddress local) throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), trackerPort), local);
    }

    /** A client bound to {@code local} talking to {@code tracker}; an IPv6 client reads 18-byte peers (BEP 15). */
    UdpTestClient(InetSocketAddress tracker, InetAddress local) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(local, 0));
        socket.setSoTimeout(2000);
        this.tracker = tracker;
        this.ipv6 = local instanceof Inet6Address;
    }

    /** Sends a datagram and waits for nothing (follow it with a request to know it was handled: one socket, in order). */
    void send(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, tracker));
    }

    /** Sends a datagram and returns the reply, or null if none came within {@code timeoutMs}. */
    byte[] exchange(byte[] packet, int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        socket.send(new DatagramPacket(packet, packet.length, tracker));
        byte[] buf = new byte[4096];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, in.getLength());
    }

    UdpResponse request(byte[] packet) throws Exception {
        byte[] reply = exchange(packet, 2000);
        if (reply == null) {
            throw new IOException("no UDP reply within 2 s");
        }
        return UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), ipv6);
    }

    long connect() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16);
        UdpClientCodec.writeConnectRequest(b, txId++);
        return ((ConnectResponse) request(Arrays.copyOf(b.array(), b.position()))).connectionId();
    }

    byte[] announcePacket(long connId, byte[] hash, byte[] peerId, long downloaded, long left, long uploaded,
                          AnnounceEvent event, int port, String urlData) {
        ByteBuffer b = ByteBuffer.allocate(600);
        UdpClientCodec.writeAnnounceRequest(b, connId, txId++, hash, peerId, downloaded, left, uploaded, event, 1, 50,
                port, urlData == null ? null : urlData.getBytes(StandardCharsets.ISO_8859_1));
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Connects and announces; returns the decoded reply (AnnounceResponse or ErrorResponse). */
    UdpResponse announce(byte[] hash, byte[] peerId, long downloaded, long left, long uploaded, AnnounceEvent event,
                         int port, String urlData) throws Exception {
        return request(announcePacket(connect(), hash, peerId, downloaded, left, uploaded, event, port, urlData));
    }

    UdpResponse scrape(byte[]... hashes) throws Exception {
        long id = connect();
        ByteBuffer b = ByteBuffer.allocate(16 + 20 * hashes.length);
        UdpClientCodec.writeScrapeRequest(b, id, txId++, hashes);
        return request(Arrays.copyOf(b.array(), b.position()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
