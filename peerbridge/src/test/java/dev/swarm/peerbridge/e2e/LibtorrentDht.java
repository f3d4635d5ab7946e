package dev.swarm.peerbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A DHT of python3-libtorrent sessions ({@code libtorrent_dht.py}), each on its own loopback address,
 * bootstrapped from each other only, one seeding a torrent without tracker. Started once it is ready
 * (another session found the seeder over the DHT); closing ends the script (stdin closed) and waits for it.
 */
final class LibtorrentDht implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final String infoHash;
    final String seeder;
    final List<String> nodes = new ArrayList<>();

    LibtorrentDht(Path dir, int count) throws Exception {
        boolean available = Files.isExecutable(LibtorrentInteropTest.PYTHON) && LibtorrentInteropTest.libtorrentAvailable();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(available, "python3-libtorrent not installed (scripts/test installs it)");
        }
        assumeTrue(available, "python3-libtorrent not installed");
        Path script = dir.resolve("libtorrent_dht.py");
        try (InputStream in = getClass().getResourceAsStream("libtorrent_dht.py")) {
            Files.copy(in, script);
        }
        process = new ProcessBuilder(LibtorrentInteropTest.PYTHON.toString(), script.toString(), dir.toString(),
                Integer.toString(count)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "libtorrent-dht-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = lines.poll(60, TimeUnit.SECONDS);
        if (ready == null || !ready.startsWith("ready ")) {
            close();
            throw new AssertionError("libtorrent DHT not ready: " + ready);
        }
        String[] p = ready.split(" ");
        infoHash = p[1];
        seeder = p[2];
        for (int i = 3; i < p.length; i++) {
            nodes.add(p[i]);
        }
    }

    /** Every libtorrent session adds (pings) this DHT node. */
    void addNode(InetSocketAddress a) throws Exception {
        String r = command("add_node " + a.getAddress().getHostAddress() + " " + a.getPort());
        assertTrue("ok".equals(r), "add_node: " + r);
    }

    /** How many libtorrent sessions have {@code a} in their routing table. */
    int inTables(InetSocketAddress a) throws Exception {
        String r = command("table " + a.getAddress().getHostAddress() + " " + a.getPort());
        assertTrue(r != null && r.startsWith("table "), "table: " + r);
        return Integer.parseInt(r.split(" ")[1]);
    }

    /** Starts a libtorrent leecher that joins from the bare magnet; returns its peer address ip:port. */
    String leech() throws Exception {
        String r = command("leech");
        assertTrue(r != null && r.startsWith("leecher "), "leech: " + r);
        return r.substring("leecher ".length());
    }

    /** Node {@code i} as an address. */
    InetSocketAddress node(int i) {
        String[] hp = nodes.get(i).split(":");
        return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }

    private String command(String line) throws Exception {
        lines.clear();
        OutputStream out = process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return lines.poll(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
