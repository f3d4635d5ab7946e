package dev.swarm.peerbridge.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's tracker ({@code tracker/server/target/tracker.jar}) as a child process on
 * loopback, HTTP and UDP on port 0: the kernel picks free ports and the tracker's ready line
 * ({@code tracker ready http=127.0.0.1:P udp=127.0.0.1:Q}) says which; it is printed once every
 * listener serves.
 */
final class TrackerProcess implements TestTracker {
    static final Path JAR = Path.of("..", "tracker", "server", "target", "tracker.jar");

    private static final Pattern READY = Pattern.compile("tracker ready http=127\\.0\\.0\\.1:(\\d+) udp=127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final int httpPort;
    private final int udpPort;

    private TrackerProcess(Process process, int httpPort, int udpPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.udpPort = udpPort;
    }

    /** Starts one, or returns null (with the reason in {@code why}) if the jar is missing or never gets ready. */
    static TrackerProcess start(Path dataDir, List<String> why) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            why.add("no " + JAR);
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.fromConf());
        cmd.addAll(List.of("-jar", JAR.toString(), "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0",
                "--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            ready.complete(null);
        }, "tracker-stdout");
        reader.setDaemon(true);
        reader.start();
        Matcher ports;
        try {
            ports = ready.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            ports = null;
        }
        if (ports == null) {
            p.destroyForcibly();
            why.add("tracker.jar did not print 'tracker ready' within 30 s (exit: "
                    + (p.isAlive() ? "still running" : p.exitValue()) + ")");
            return null;
        }
        // The ready line comes after every listener is bound and serving.
        return new TrackerProcess(p, Integer.parseInt(ports.group(1)), Integer.parseInt(ports.group(2)));
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort + "/announce";
    }

    @Override
    public String udpUrl() {
        return "udp://127.0.0.1:" + udpPort + "/announce";
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
