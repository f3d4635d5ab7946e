package dev.swarm.peerbridge.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The project's tracker ({@code tracker/server/target/tracker.jar}) as a child process on an
 * ephemeral loopback port, HTTP and UDP on the same port number. Ready when it printed a line
 * containing "tracker ready" and its HTTP port accepts a connection.
 */
final class TrackerProcess implements TestTracker {
    static final Path JAR = Path.of("..", "tracker", "server", "target", "tracker.jar");

    private final Process process;
    private final int port;

    private TrackerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one, or returns null (with the reason in {@code why}) if the jar is missing or never gets ready. */
    @SuppressWarnings("try") // the probe socket only needs closing
    static TrackerProcess start(Path dataDir, List<String> why) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            why.add("no " + JAR);
            return null;
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.fromConf());
        cmd.addAll(List.of("-jar", JAR.toString(), "--http", "127.0.0.1:" + port, "--udp", "127.0.0.1:" + port,
                "--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("tracker ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "tracker-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            why.add("tracker.jar did not print 'tracker ready' within 30 s (exit: "
                    + (p.isAlive() ? "still running" : p.exitValue()) + ")");
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new TrackerProcess(p, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        why.add("tracker HTTP port never accepted");
        return null;
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + port + "/announce";
    }

    @Override
    public String udpUrl() {
        return "udp://127.0.0.1:" + port + "/announce";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
