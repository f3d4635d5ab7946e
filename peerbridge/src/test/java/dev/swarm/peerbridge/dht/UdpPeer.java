package dev.swarm.peerbridge.dht;

import dev.swarm.peerbridge.dht.krpc.Krpc;
import dev.swarm.peerbridge.dht.krpc.KrpcException;
import dev.swarm.peerbridge.dht.krpc.KrpcMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;

/** A plain UDP socket on a loopback address that speaks KRPC by hand (test side of the DHT port). */
final class UdpPeer implements AutoCloseable {
    final DatagramSocket socket;
    final byte[] id = new byte[20];

    UdpPeer(String loopbackIp) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(loopbackIp), 0));
        new SecureRandom().nextBytes(id);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(InetSocketAddress to, byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    void send(InetSocketAddress to, KrpcMessage m) throws IOException {
        send(to, Krpc.encode(m));
    }

    /** The next datagram within {@code millis}, or null. */
    byte[] receive(int millis) throws IOException {
        socket.setSoTimeout(millis);
        byte[] buf = new byte[65_535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    /**
     * The next reply (response or error) within {@code millis}, answering any ping the node sends
     * meanwhile when {@code answerPings}; null when none came.
     */
    KrpcMessage reply(InetSocketAddress node, int millis, boolean answerPings) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            int left = (int) (deadline - System.currentTimeMillis());
            if (left <= 0) {
                return null;
            }
            byte[] d = receive(left);
            if (d == null) {
                return null;
            }
            KrpcMessage m;
            try {
                m = Krpc.decode(d);
            } catch (KrpcException e) {
                throw new AssertionError("the node sent undecodable KRPC: " + e.getMessage());
            }
            if (m instanceof KrpcMessage.Query q) {
                if (answerPings && q.method() == KrpcMessage.Method.PING) {
                    send(node, KrpcMessage.Response.idOnly(q.transactionId(), id, null));
                }
                continue;
            }
            return m;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
