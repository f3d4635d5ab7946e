package dev.swarm.peerbridge.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small but real tracker for loopback tests while the project's tracker is being built: HTTP
 * (BEP 3/23 compact) and UDP (BEP 15) on one port number, peers kept per info-hash (IPv4 only,
 * never expired, at most 200 per swarm), every announcing peer returned to every other.
 */
final class MiniTracker implements TestTracker {
    private final HttpServer http;
    private final DatagramSocket udp;
    private final Thread udpThread;
    private final Map<String, Set<InetSocketAddress>> swarms = new LinkedHashMap<>();

    MiniTracker() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/announce", ex -> {
            try (ex) {
                Map<String, String> q = new LinkedHashMap<>();
                for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
                    int eq = kv.indexOf('=');
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                byte[] ih = URLDecoder.decode(q.get("info_hash"), StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
                InetSocketAddress peer = new InetSocketAddress(ex.getRemoteAddress().getAddress(), Integer.parseInt(q.get("port")));
                byte[] peers = announce(ih, peer);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(("d8:intervali60e5:peers" + peers.length + ":").getBytes(StandardCharsets.US_ASCII));
                body.writeBytes(peers);
                body.write('e');
                ex.sendResponseHeaders(200, body.size());
                ex.getResponseBody().write(body.toByteArray());
            }
        });
        http.start();
        udp = new DatagramSocket(http.getAddress().getPort(), InetAddress.getLoopbackAddress());
        udpThread = new Thread(this::serveUdp, "mini-tracker-udp");
        udpThread.setDaemon(true);
        udpThread.start();
    }

    /** How many peers announced for an info-hash. */
    synchronized int swarmSize(byte[] infoHash) {
        Set<InetSocketAddress> swarm = swarms.get(HexFormat.of().formatHex(infoHash));
        return swarm == null ? 0 : swarm.size();
    }

    /** Records the peer, returns the others as compact IPv4 peers. */
    synchronized byte[] announce(byte[] infoHash, InetSocketAddress peer) {
        Set<InetSocketAddress> swarm = swarms.computeIfAbsent(HexFormat.of().formatHex(infoHash), k -> new LinkedHashSet<>());
        ByteBuffer out = ByteBuffer.allocate(6 * swarm.size());
        for (InetSocketAddress p : swarm) {
            if (!p.equals(peer)) {
                out.put(p.getAddress().getAddress()).putShort((short) p.getPort());
            }
        }
        if (swarm.size() < 200) {
            swarm.add(peer);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private void serveUdp() {
        byte[] buf = new byte[2048];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                ByteBuffer in = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                int action = in.getInt(8);
                int tx = in.getInt(12);
                ByteBuffer out = ByteBuffer.allocate(1500);
                if (action == 0 && p.getLength() >= 16) {
                    out.putInt(0).putInt(tx).putLong(42);
                } else if (action == 1 && p.getLength() >= 98) {
                    byte[] ih = new byte[20];
                    in.get(16, ih);
                    int port = in.getShort(96) & 0xffff;
                    byte[] peers = announce(ih, new InetSocketAddress(p.getAddress(), port));
                    out.putInt(1).putInt(tx).putInt(60).putInt(0).putInt(peers.length / 6).put(peers);
                } else {
                    continue;
                }
                udp.send(new DatagramPacket(out.array(), out.position(), p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/announce";
    }

    @Override
    public String udpUrl() {
        return "udp://127.0.0.1:" + udp.getLocalPort() + "/announce";
    }

    @Override
    public void close() {
        http.stop(0);
        udp.close();
    }
}
