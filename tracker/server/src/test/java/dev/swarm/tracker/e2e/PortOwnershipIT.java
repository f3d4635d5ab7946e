package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.udp.AnnounceResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, defect 2: two {@code scripts/run} on one UDP port. With SO_REUSEPORT the kernel used to let the second
 * join and split the clients between two half swarms. The second must exit non-zero with one line naming the port,
 * and the first must keep serving every client.
 */
class PortOwnershipIT {
    private static final byte[] HASH = "port-ownership-it-01".getBytes(StandardCharsets.ISO_8859_1);
    /** Clients, each on its own source port (the kernel spreads SO_REUSEPORT traffic by source address and port). */
    private static final int CLIENTS = 64;

    @TempDir
    Path dir;

    private Process start(String log, String... args) throws IOException {
        return ScriptRun.start(dir.resolve(log), Map.of(), args);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void aSecondTrackerOnTheUdpPortExitsNamingItAndTheFirstServesEveryClient() throws Exception {
        // Both with two SO_REUSEPORT sockets of their own: the tracker's own sockets share the port, nobody else's.
        Path cfg = dir.resolve("tracker.yaml");
        Files.writeString(cfg, "udp:\n  threads: 2\n");
        Process first = start("first.log", "--config", cfg.toString(), "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0",
                "--data-dir", dir.resolve("first").toString());
        try {
            String ready = ScriptRun.awaitReady(first, dir.resolve("first.log"));
            int httpPort = ScriptRun.port(ready, "http");
            int udpPort = ScriptRun.port(ready, "udp");

            Process second = start("second.log", "--config", cfg.toString(), "--http", "127.0.0.1:0",
                    "--udp", "127.0.0.1:" + udpPort, "--data-dir", dir.resolve("second").toString());
            boolean exited = second.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                stop(second);
            }
            String log = Files.readString(dir.resolve("second.log"));
            assertTrue(exited, "the second tracker must not start on a taken UDP port: " + log);
            assertEquals(1, second.exitValue(), log);
            List<String> errors = log.lines().filter(l -> l.startsWith("tracker:")).toList();
            assertEquals(List.of("tracker: cannot listen on udp 127.0.0.1:" + udpPort
                    + ": address in use (another process holds it)"), errors, log);
            assertFalse(log.contains("Exception") || log.contains("\tat "), "no stack trace: " + log);

            assertTrue(first.isAlive(), "the first tracker still runs");
            assertEquals(CLIENTS, announceFromEveryClient(udpPort), "every client is answered");
            assertEquals(CLIENTS, peersInSwarm(httpPort), "one whole swarm: every client's announce reached the first");
        } finally {
            stop(first);
        }
    }

    private static byte[] peerId(int i) {
        return String.format("-IT0001-%012d", i).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Connect and announce from {@code CLIENTS} sockets; returns how many got an announce reply. */
    private static int announceFromEveryClient(int udpPort) throws Exception {
        int answered = 0;
        List<UdpTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new UdpTestClient(udpPort, InetAddress.getLoopbackAddress()));
            }
            for (int i = 0; i < CLIENTS; i++) {
                if (clients.get(i).announce(HASH, peerId(i), 0, 100, 0, AnnounceEvent.STARTED, 20_000 + i, null)
                        instanceof AnnounceResponse) {
                    answered++;
                }
            }
        } finally {
            for (UdpTestClient c : clients) {
                c.close();
            }
        }
        return answered;
    }

    private static long peersInSwarm(int httpPort) throws Exception {
        BDict files = TestNet.getBencoded("http://127.0.0.1:" + httpPort + "/scrape?info_hash=" + TestNet.percentEncode(HASH))
                .dict("files").dict(new String(HASH, StandardCharsets.ISO_8859_1));
        return files.integer("complete") + files.integer("incomplete");
    }
}
