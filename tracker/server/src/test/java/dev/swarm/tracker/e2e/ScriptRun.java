package dev.swarm.tracker.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the packaged tracker through {@code scripts/run}, as an operator does, for the process-level tests. */
final class ScriptRun {
    private static final Path RUN = Path.of("../../scripts/run").toAbsolutePath().normalize();
    private static final Pattern LISTENER = Pattern.compile(" (http|udp|admin)=(\\S+):(\\d+)");

    private ScriptRun() {
    }

    /** Starts {@code scripts/run ARGS} without the rebuild check; stderr is appended to {@code stderrLog}. */
    static Process start(Path stderrLog, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", RUN.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        pb.environment().put("SWARM_NO_BUILD", "1");
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Waits (at most 60 s, even if the process prints nothing) for the "tracker ready" line on stdout and returns it.
     * Fails as soon as stdout ends without it. The rest of stdout is drained in the background.
     */
    static String awaitReady(Process p, Path stderrLog) throws IOException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("tracker ready")) {
                        ready.complete(line);
                    }
                }
                ready.complete(null);
            } catch (IOException e) {
                ready.completeExceptionally(new UncheckedIOException(e));
            }
        }, "tracker-stdout");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = ready.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no 'tracker ready' within 60 s: " + Files.readString(stderrLog));
        } catch (ExecutionException e) {
            throw new AssertionError("reading the tracker's stdout: " + e.getCause());
        }
        if (line == null) {
            throw new AssertionError("tracker did not become ready: " + Files.readString(stderrLog));
        }
        return line;
    }

    /**
     * The port of a listener ({@code http}, {@code udp}, {@code admin}) in a ready line such as {@code tracker ready
     * http=127.0.0.1:41234 udp=127.0.0.1:51234}: the bound port, also when the configured one was 0.
     */
    static int port(String readyLine, String listener) {
        Matcher m = LISTENER.matcher(readyLine);
        while (m.find()) {
            if (m.group(1).equals(listener)) {
                return Integer.parseInt(m.group(3));
            }
        }
        throw new AssertionError("no " + listener + "= in: " + readyLine);
    }
}
