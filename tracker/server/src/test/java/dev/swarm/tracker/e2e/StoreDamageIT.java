package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import dev.swarm.tracker.swarm.StoreDamage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker restarted on damaged store files: random bytes over the segment headers of a map the sidecar
 * calls clean, and a sidecar with a changed CRC digit, {@code state=cleam}, cut in half, or missing. Each time the
 * tracker must be ready within seconds, answer every announce within a second, and keep every swarm and peer.
 */
class StoreDamageIT {
    /**
     * No start-up cache: a run that trains it writes it at exit, which can outlast the SIGTERM bound on a busy
     * machine, and a killed training run leaves none; these tests are about the store, not start-up speed.
     */
    private static final Map<String, String> NO_STARTUP_CACHE = Map.of("SWARM_NO_AOT", "1");

    private static final int TORRENTS = 300;
    private static final int PEERS = 3;

    @TempDir
    Path dir;

    private static byte[] hash(int torrent) {
        return String.format("damaged-store-%06d", torrent).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Announces a leecher; the reply, or null if none came within a second. */
    private static UdpResponse announce(UdpTestClient client, int torrent, int peerPort) throws Exception {
        byte[] c = new byte[16];
        UdpClientCodec.writeConnectRequest(ByteBuffer.wrap(c), 3);
        byte[] reply = client.exchange(c, 1000);
        if (reply == null) {
            return null;
        }
        long id = ByteBuffer.wrap(reply).getLong(8);
        byte[] peerId = String.format("-DM0001-%012d", peerPort).getBytes(StandardCharsets.ISO_8859_1);
        reply = client.exchange(client.announcePacket(id, hash(torrent), peerId, 0, 100, 0, AnnounceEvent.STARTED,
                peerPort, null), 1000);
        return reply == null ? null : UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void damagedFilesStartWithinSecondsAndKeepEverySwarm() throws Exception {
        long seed = Long.getLong("damage.seed", System.nanoTime());
        System.out.println("StoreDamageIT seed " + seed);
        Random rnd = new Random(seed);
        Path data = dir.resolve("data");
        Path meta = data.resolve("swarms.meta");
        List<String> damages = List.of("segment headers", "crc digit", "state=cleam", "truncated meta", "missing meta");
        Path log = dir.resolve("fill.log");
        Process p = ScriptRun.start(log, NO_STARTUP_CACHE, "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0", "--data-dir",
                data.toString());
        String[] args;
        int udpPort;
        try {
            String ready = ScriptRun.awaitReady(p, log);
            udpPort = ScriptRun.port(ready, "udp");
            // The restarts take the ports of the first run, as an operator's restart does.
            args = new String[] {"--http", "127.0.0.1:" + ScriptRun.port(ready, "http"), "--udp", "127.0.0.1:" + udpPort,
                "--data-dir", data.toString()};
        } catch (Exception | Error e) {
            p.destroyForcibly();
            throw e;
        }
        try (UdpTestClient client = new UdpTestClient(udpPort, InetAddress.getLoopbackAddress())) {
            for (int t = 0; t < TORRENTS; t++) {
                for (int i = 0; i < PEERS; i++) {
                    assertTrue(announce(client, t, 20000 + i) instanceof AnnounceResponse, "fill");
                }
            }
            stop(p);
            for (int d = 0; d < damages.size(); d++) {
                String damage = damages.get(d);
                String good = Files.readString(meta);
                assertTrue(good.contains("state=clean"), good);
                switch (damage) {
                    case "segment headers" -> System.out.println("StoreDamageIT: " + StoreDamage.randomSegmentHeaders(
                            StoreDamage.v4File(data), 16 * 1024, rnd) + " random bytes over the v4 segment headers");
                    case "crc digit" -> {
                        int at = good.indexOf("v4.crc=") + "v4.crc=".length();
                        Files.writeString(meta, good.substring(0, at) + (char) ((good.charAt(at) - '0' + 1) % 10 + '0')
                                + good.substring(at + 1));
                    }
                    case "state=cleam" -> Files.writeString(meta, good.replace("state=clean", "state=cleam"));
                    case "truncated meta" -> Files.writeString(meta, good.substring(0, good.length() / 2));
                    default -> Files.delete(meta);
                }
                log = dir.resolve("run-" + d + ".log");
                long t0 = System.nanoTime();
                p = ScriptRun.start(log, NO_STARTUP_CACHE, args);
                try {
                    ScriptRun.awaitReady(p, log);
                    long readyMs = (System.nanoTime() - t0) / 1_000_000;
                    long slowest = 0;
                    for (int t = 0; t < TORRENTS; t++) {
                        long r0 = System.nanoTime();
                        UdpResponse r = announce(client, t, 30000 + d);
                        slowest = Math.max(slowest, System.nanoTime() - r0);
                        assertTrue(r instanceof AnnounceResponse, damage + ": torrent " + t + " answered: " + r);
                        assertEquals(PEERS + d + 1, ((AnnounceResponse) r).leechers(),
                                damage + ": torrent " + t + " kept its peers");
                    }
                    System.out.println("StoreDamageIT " + damage + ": ready after " + readyMs + " ms, slowest announce "
                            + slowest / 1_000_000 + " ms");
                    assertTrue(readyMs < 30_000, damage + ": ready after " + readyMs + " ms");
                    assertTrue(slowest < 1_000_000_000L, damage + ": an announce took " + slowest / 1_000_000 + " ms");
                } finally {
                    stop(p);
                }
                String out = Files.readString(log);
                assertTrue(!out.contains("unusable"), out);
                try (Stream<Path> files = Files.list(data)) {
                    assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".cm.corrupt-"))
                            .toList(), damage + ": no map file quarantined");
                }
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tracker stopped within 30 s of SIGTERM");
        assertEquals(0, p.exitValue());
    }
}
