package dev.swarm.tracker.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged tracker through {@code scripts/run}, as an operator does, for the process-level tests. */
final class ScriptRun {
    private static final Path RUN = Path.of("../../scripts/run").toAbsolutePath().normalize();

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

    /** Waits (at most 60 s) for the "tracker ready" line on stdout and returns it. */
    static String awaitReady(Process p, Path stderrLog) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = r.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("tracker ready")) {
                return line;
            }
        }
        throw new AssertionError("tracker did not become ready: " + Files.readString(stderrLog));
    }
}
