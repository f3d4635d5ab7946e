package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ErrorResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker with its data directory on a small tmpfs (mounted by the test; needs root, skipped with a
 * message otherwise). When the filesystem fills under load, new swarms are refused with "tracker storage
 * unavailable" and an ERROR line, never an {@code InternalError}; UDP keeps answering connects and announces for
 * existing swarms; freeing space lets growth resume. A store that does not fit at all is refused at start with a
 * message naming the data directory's filesystem.
 */
class StoreDiskFullIT {
    /**
     * No start-up cache: a run that trains it writes it at exit, which can outlast the SIGTERM bound on a busy
     * machine, and a killed training run leaves none; these tests are about the store, not start-up speed.
     */
    private static final Map<String, String> NO_STARTUP_CACHE = Map.of("SWARM_NO_AOT", "1");

    private static final String REFUSAL = "tracker storage unavailable";

    @TempDir
    Path dir;

    private Path mount;
    private boolean mounted;
    private Process tracker;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mount = dir.resolve("small");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        mounted = done && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "StoreDiskFullIT skipped: cannot mount a tmpfs (needs root): " + out);
    }

    @AfterEach
    void unmount() throws Exception {
        if (tracker != null && tracker.isAlive()) {
            tracker.destroyForcibly();
            tracker.waitFor(30, TimeUnit.SECONDS);
        }
        if (mounted) {
            Process p = new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
                    "umount: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Listeners on port 0 (the bound ports are in the ready line). */
    private Path config(long expectedSwarms, long maxSwarms) throws IOException {
        Path config = dir.resolve("tracker.yaml");
        Files.writeString(config, """
                http:
                  listen: 127.0.0.1:0
                udp:
                  listen: 127.0.0.1:0
                store:
                  data-dir: %s
                  expected-swarms: %d
                  expected-peers-per-swarm: 4
                  max-swarms: %d
                """.formatted(mount.resolve("data"), expectedSwarms, maxSwarms));
        return config;
    }

    private static byte[] hash(int torrent) {
        return String.format("disk-full-tor%07d", torrent).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Connect + announce; the decoded reply, or null if the tracker did not answer within a second. */
    private static UdpResponse announce(UdpTestClient client, int torrent, int peerPort) throws Exception {
        byte[] c = new byte[16];
        UdpClientCodec.writeConnectRequest(ByteBuffer.wrap(c), 7);
        byte[] reply = client.exchange(c, 1000);
        if (reply == null) {
            return null;
        }
        long id = ByteBuffer.wrap(reply).getLong(8);
        byte[] peerId = String.format("-DF0001-%012d", peerPort).getBytes(StandardCharsets.ISO_8859_1);
        reply = client.exchange(client.announcePacket(id, hash(torrent), peerId, 0, 100, 0, AnnounceEvent.STARTED,
                peerPort, null), 1000);
        return reply == null ? null : UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false);
    }

    /** Writes zeros into {@code file} until the filesystem is full; returns the bytes written. */
    private static long fillUp(Path file) {
        long written = 0;
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (written < (1L << 30)) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException e) {
            return written; // "No space left on device": full
        }
        throw new AssertionError("wrote 1 GiB into a 64 MiB tmpfs");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aDiskThatFillsWhileServingRefusesNewSwarmsAndKeepsServingTheOthers() throws Exception {
        Path stderr = dir.resolve("stderr.log");
        tracker = ScriptRun.start(stderr, NO_STARTUP_CACHE, "--config", config(1000, 1_000_000).toString());
        int udpPort = ScriptRun.port(ScriptRun.awaitReady(tracker, stderr), "udp");
        try (UdpTestClient client = new UdpTestClient(udpPort, InetAddress.getLoopbackAddress())) {
            for (int t = 0; t < 200; t++) {
                assertTrue(announce(client, t, 7000) instanceof AnnounceResponse, "existing swarm " + t);
            }
            Path ballast = mount.resolve("ballast");
            long filled = fillUp(ballast);
            System.out.println("StoreDiskFullIT: ballast " + (filled >> 20) + " MiB, tmpfs full");

            // New torrents until the store refuses them (bounded: 200,000 announces or 3 minutes).
            int refused = 0;
            int accepted = 0;
            int unanswered = 0;
            String otherFailure = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            for (int t = 1000; t < 201_000 && refused < 50 && System.nanoTime() < deadline; t++) {
                UdpResponse r = announce(client, t, 7000);
                if (r == null) {
                    unanswered++;
                } else if (r instanceof ErrorResponse e) {
                    if (e.message().contains(REFUSAL)) {
                        refused++;
                    } else {
                        otherFailure = e.message();
                    }
                } else {
                    accepted++;
                }
            }
            System.out.println("StoreDiskFullIT: " + accepted + " new swarms accepted on the full disk (reserved space),"
                    + " " + refused + " refused, " + unanswered + " unanswered");
            assertEquals(50, refused, "new swarms are refused once the reserve is used up; other failure: " + otherFailure);
            assertEquals(0, unanswered, "every announce was answered");
            for (int t = 0; t < 200; t++) {
                UdpResponse r = announce(client, t, 7000);
                assertTrue(r instanceof AnnounceResponse, "existing swarm " + t + " is served: " + r);
                assertEquals(1, ((AnnounceResponse) r).leechers(), "swarm " + t);
            }
            String log = Files.readString(stderr);
            assertTrue(log.contains("ERROR") && log.contains("free disk space on that filesystem"), log);
            assertFalse(log.contains("InternalError"), log);

            Files.delete(ballast);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            UdpResponse again = null;
            for (int t = 300_000; System.nanoTime() < until; t++) {
                again = announce(client, t, 7000);
                if (again instanceof AnnounceResponse) {
                    break;
                }
                Thread.sleep(50); // the sweeper refills the reserve on its next step
            }
            assertTrue(again instanceof AnnounceResponse, "new swarms are accepted again after space was freed: " + again);
        }
        tracker.destroy();
        assertTrue(tracker.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
        assertEquals(0, tracker.exitValue());
        assertFalse(Files.readString(stderr).contains("InternalError"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aStoreThatDoesNotFitIsRefusedAtStartNamingTheDataDirectorysFilesystem() throws Exception {
        Path stderr = dir.resolve("stderr-big.log");
        tracker = ScriptRun.start(stderr, NO_STARTUP_CACHE, "--config", config(20_000_000, 20_000_000).toString());
        assertTrue(tracker.waitFor(60, TimeUnit.SECONDS), "exits");
        assertTrue(tracker.exitValue() != 0);
        String log = Files.readString(stderr);
        assertTrue(log.contains(mount.toString()) && log.contains("MiB free"), log);
    }
}
