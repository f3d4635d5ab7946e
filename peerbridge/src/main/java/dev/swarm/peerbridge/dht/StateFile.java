package dev.swarm.peerbridge.dht;

import dev.swarm.peerbridge.dht.krpc.NodeIds;
import dev.swarm.peerbridge.dht.krpc.NodeInfo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The node's id and routing table across restarts, as text: {@code id <40 hex>} then one
 * {@code node <40 hex> <ip> <port>} line per node. Written to a temporary file and moved into place, so
 * a crash leaves the old file or the new one. A missing or damaged file gives an empty state (lines
 * that do not parse are skipped); at most {@code maxNodes} nodes are read.
 */
final class StateFile {
    private static final HexFormat HEX = HexFormat.of();
    private static final long MAX_BYTES = 1 << 20;

    /** What was saved: our id (null if none) and the nodes. */
    record State(byte[] id, List<NodeInfo> nodes) {
    }

    private StateFile() {
    }

    static State read(Path file, int maxNodes) {
        byte[] id = null;
        List<NodeInfo> nodes = new ArrayList<>();
        try {
            if (file == null || !Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return new State(null, nodes);
            }
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] p = line.strip().split(" ");
                try {
                    if (p.length == 2 && p[0].equals("id") && p[1].length() == 40) {
                        id = HEX.parseHex(p[1]);
                    } else if (p.length == 4 && p[0].equals("node") && p[1].length() == 40 && nodes.size() < maxNodes
                            && isLiteral(p[2])) {
                        int port = Integer.parseInt(p[3]);
                        if (port > 0 && port < 65536) {
                            nodes.add(new NodeInfo(HEX.parseHex(p[1]), new InetSocketAddress(InetAddress.getByName(p[2]), port)));
                        }
                    }
                } catch (IllegalArgumentException | IOException e) {
                    // a damaged line: skipped
                }
            }
        } catch (IOException | RuntimeException e) {
            return new State(id, nodes);
        }
        return new State(id, nodes);
    }

    /** Only IP literals: reading the file must never trigger a name lookup. */
    private static boolean isLiteral(String s) {
        return s.matches("[0-9.]+") || s.matches("[0-9a-fA-F:.]+") && s.contains(":");
    }

    static void write(Path file, byte[] id, List<NodeInfo> nodes) throws IOException {
        StringBuilder sb = new StringBuilder("id ").append(HEX.formatHex(id)).append('\n');
        for (NodeInfo n : nodes) {
            sb.append("node ").append(HEX.formatHex(n.id())).append(' ')
                    .append(n.address().getAddress().getHostAddress()).append(' ').append(n.address().getPort())
                    .append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean validId(byte[] id) {
        return id != null && id.length == NodeIds.LENGTH;
    }
}
