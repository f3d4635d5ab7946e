package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.udp.AnnounceResponse;
import dev.swarm.protocol.udp.ScrapeResponse;
import dev.swarm.protocol.udp.UdpClientCodec;
import dev.swarm.protocol.udp.UdpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker under UDP announce load, killed with SIGKILL again and again at random moments of start-up,
 * store recovery, serving and shutdown (seeded; the seed is printed, {@code -Dcrashloop.seed=N} repeats a run).
 * Every start must serve, no file may be quarantined, and at the end the store must hold every swarm and peer
 * whose announce was answered (a crash in the middle of a swarm update may cost that swarm a peer or two).
 */
class StoreCrashLoopIT {
    /**
     * No start-up cache: a run that trains it writes it at exit, which can outlast the SIGTERM bound on a busy
     * machine, and a killed training run leaves none; these tests are about the store, not start-up speed.
     */
    private static final Map<String, String> NO_STARTUP_CACHE = Map.of("SWARM_NO_AOT", "1");

    private static final int TORRENTS = 1500;
    private static final int PEERS_PER_TORRENT = 3;
    private static final int KILLS = 25;
    private static final Pattern OPENED = Pattern.compile("(\\d+) v4 swarms with (\\d+) peers");

    @TempDir
    Path dir;

    private Path data;
    private Path config;
    private int run;
    /** (torrent, peer port) of every announce the tracker answered. */
    private final Set<Long> acked = new HashSet<>();
    private final Set<Integer> ackedTorrents = new HashSet<>();

    private static byte[] hash(int torrent) {
        return String.format("crash-loop-tor-%05d", torrent).getBytes(StandardCharsets.ISO_8859_1);
    }

    private void writeConfig(int httpPort, int udpPort) throws IOException {
        Files.writeString(config, """
                http:
                  listen: 127.0.0.1:%d
                udp:
                  listen: 127.0.0.1:%d
                store:
                  data-dir: %s
                  expected-swarms: 400000
                  expected-peers-per-swarm: 8
                  max-swarms: 1000000
                """.formatted(httpPort, udpPort, data));
    }

    private Path stderr(int n) {
        return dir.resolve("stderr-" + n + ".log");
    }

    private Process start() throws IOException {
        run++;
        return ScriptRun.start(stderr(run), NO_STARTUP_CACHE, "--config", config.toString());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void sigkillAtRandomMomentsLosesNoAnsweredAnnounceAndQuarantinesNothing() throws Exception {
        long seed = Long.getLong("crashloop.seed", System.nanoTime());
        System.out.println("StoreCrashLoopIT seed " + seed);
        Random rnd = new Random(seed);
        data = dir.resolve("data");
        config = dir.resolve("tracker.yaml");
        writeConfig(0, 0);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        int recoveryKills = 0;
        int interruptedRecoveries = 0;
        List<String> kills = new ArrayList<>();
        Process first = start();
        int udpPort;
        try {
            String ready = ScriptRun.awaitReady(first, stderr(run));
            udpPort = ScriptRun.port(ready, "udp");
            writeConfig(ScriptRun.port(ready, "http"), udpPort); // restarts take the ports of the first run
        } catch (Exception | Error e) {
            first.destroyForcibly();
            throw e;
        }
        try (UdpTestClient client = new UdpTestClient(udpPort, InetAddress.getLoopbackAddress())) {
            for (int t = 0; t < TORRENTS; t++) {
                for (int p = 0; p < PEERS_PER_TORRENT; p++) {
                    assertTrue(announce(client, t, 10000 + p, 3000), "the first fill is answered");
                }
            }
            stop(first);

            for (int k = 0; k < KILLS; k++) {
                int kind = k % 5;
                Process p = start();
                long delay;
                switch (kind) {
                    case 0 -> { // start-up: JVM start, store open, recovery, frontends
                        delay = rnd.nextInt(2500);
                        Thread.sleep(delay);
                    }
                    case 1 -> { // in the recovery of the map files (Chronicle's part or the verifying walk)
                        delay = rnd.nextInt(20);
                        assertTrue(awaitLog(stderr(run), 60_000, "running Chronicle Map recovery", "swarm store open"),
                                "run " + run + " opens its store: " + Files.readString(stderr(run)));
                        Thread.sleep(delay);
                    }
                    case 3 -> { // after a kill while serving: the moment Chronicle marks a header incomplete to recover
                        delay = 0;
                        awaitIncompleteHeader(stderr(run), 60_000);
                    }
                    case 2 -> { // serving under load
                        ScriptRun.awaitReady(p, stderr(run));
                        delay = rnd.nextInt(3000);
                        killer.schedule(p::destroyForcibly, delay, TimeUnit.MILLISECONDS);
                        load(client, rnd, 20_000);
                    }
                    default -> { // shutdown after SIGTERM
                        ScriptRun.awaitReady(p, stderr(run));
                        load(client, rnd, rnd.nextInt(500));
                        delay = rnd.nextInt(300);
                        p.destroy();
                        Thread.sleep(delay);
                    }
                }
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "killed");
                String log = Files.readString(stderr(run));
                interruptedRecoveries += log.contains("header marked incomplete") ? 1 : 0;
                boolean inRecovery = log.contains("running Chronicle Map recovery") && !log.contains("swarm store open in");
                recoveryKills += inRecovery ? 1 : 0;
                kills.add("run " + run + ": kind " + kind + " after " + delay + " ms" + (inRecovery ? " (in recovery)" : ""));
                assertTrue(!log.contains("unusable") && !log.contains("InternalError"), "run " + run + ":\n" + log);
            }

            Process last = start();
            try {
                ScriptRun.awaitReady(last, stderr(run));
                String log = Files.readString(stderr(run));
                interruptedRecoveries += log.contains("header marked incomplete") ? 1 : 0;
                assertTrue(!log.contains("unusable"), log);
                Matcher m = OPENED.matcher(log);
                assertTrue(m.find(), log);
                long swarms = Long.parseLong(m.group(1));
                long peers = Long.parseLong(m.group(2));
                String summary = "seed " + seed + ", " + acked.size() + " answered peers in " + ackedTorrents.size()
                        + " torrents; store: " + swarms + " swarms, " + peers + " peers; kills: " + kills;
                System.out.println("StoreCrashLoopIT " + summary);
                assertTrue(swarms >= ackedTorrents.size() && swarms <= ackedTorrents.size() + KILLS, summary);
                assertTrue(peers >= acked.size() - 2L * KILLS && peers <= acked.size() + KILLS, summary);
                assertEquals(acked.size() - countMissing(client), acked.size(), "every answered peer is there; "
                        + summary);
            } finally {
                stop(last);
            }
        } finally {
            killer.shutdownNow();
        }
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".corrupt-")).toList(),
                    "nothing quarantined");
        }
        System.out.println("StoreCrashLoopIT kills in recovery: " + recoveryKills + ", of them in Chronicle's part"
                + " (the next start found the header marked incomplete): " + interruptedRecoveries);
        assertTrue(recoveryKills >= 2, "kills landed in recovery: " + kills);
        assertTrue(interruptedRecoveries >= 1, "a kill landed while Chronicle had a header marked incomplete: " + kills);
    }

    /** Answered announces whose peer the store no longer counts, per torrent, via UDP scrape (74 per packet). */
    private long countMissing(UdpTestClient client) throws Exception {
        Map<Integer, Integer> expected = new java.util.HashMap<>();
        for (long a : acked) {
            expected.merge((int) (a >>> 32), 1, Integer::sum);
        }
        List<Integer> torrents = new ArrayList<>(expected.keySet());
        long missing = 0;
        for (int i = 0; i < torrents.size(); i += 74) {
            List<Integer> batch = torrents.subList(i, Math.min(torrents.size(), i + 74));
            byte[][] hashes = batch.stream().map(StoreCrashLoopIT::hash).toArray(byte[][]::new);
            ScrapeResponse r = (ScrapeResponse) client.scrape(hashes);
            for (int j = 0; j < batch.size(); j++) {
                long have = (long) r.seeders()[j] + r.leechers()[j];
                missing += Math.max(0, expected.get(batch.get(j)) - have);
            }
        }
        return missing;
    }

    /** Announces peer {@code peerPort} in {@code torrent}; true (and recorded) if the tracker answered it. */
    private boolean announce(UdpTestClient client, int torrent, int peerPort, int timeoutMs) throws Exception {
        byte[] c = new byte[16];
        ByteBuffer cb = ByteBuffer.wrap(c);
        UdpClientCodec.writeConnectRequest(cb, 1);
        byte[] reply = client.exchange(c, timeoutMs);
        if (reply == null) {
            return false;
        }
        long id = ByteBuffer.wrap(reply).getLong(8);
        byte[] peerId = String.format("-CL0001-%012d", peerPort).getBytes(StandardCharsets.ISO_8859_1);
        byte[] packet = client.announcePacket(id, hash(torrent), peerId, 0, peerPort % 2 == 0 ? 0 : 100, 0,
                AnnounceEvent.STARTED, peerPort, null);
        reply = client.exchange(packet, timeoutMs);
        if (reply == null) {
            return false;
        }
        UdpResponse r = UdpClientCodec.decodeResponse(ByteBuffer.wrap(reply), false);
        if (!(r instanceof AnnounceResponse)) {
            return false;
        }
        acked.add((long) torrent << 32 | peerPort);
        ackedTorrents.add(torrent);
        return true;
    }

    /** Re-announces and adds peers (a third in new torrents) until the tracker stops answering or {@code max}. */
    private void load(UdpTestClient client, Random rnd, int max) throws Exception {
        for (int i = 0; i < max; i++) {
            boolean fresh = rnd.nextInt(3) == 0;
            int torrent = fresh ? TORRENTS + rnd.nextInt(3 * TORRENTS) : rnd.nextInt(TORRENTS);
            if (!announce(client, torrent, 10000 + rnd.nextInt(6), 300)) {
                return;
            }
        }
    }

    /**
     * Polls the map files' header size words (a few microseconds a read) until Chronicle sets the "not complete"
     * bit, which it does for the few milliseconds of its recovery, or the log says the store is open.
     *
     * @return true if the bit was seen set
     */
    private boolean awaitIncompleteHeader(Path log, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        ByteBuffer word = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Path> maps = List.of(data.resolve("swarms-v4.cm"), data.resolve("swarms-v6.cm"));
        for (long i = 0; System.nanoTime() < deadline; i++) {
            for (Path m : maps) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(m)) {
                    word.clear();
                    if (ch.read(word, 8) == 4 && (word.getInt(0) & 0x8000_0000) != 0) {
                        return true;
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // not created yet
                }
            }
            if (i % 64 == 0 && Files.readString(log).contains("swarm store open in")) {
                return false;
            }
        }
        return false;
    }

    /** Polls {@code log} (every millisecond, at most {@code timeoutMs}) until it contains one of {@code texts}. */
    private static boolean awaitLog(Path log, long timeoutMs, String... texts) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                String s = Files.readString(log);
                for (String t : texts) {
                    if (s.contains(t)) {
                        return true;
                    }
                }
            }
            Thread.sleep(1);
        }
        return false;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tracker stopped within 30 s of SIGTERM");
    }
}
