package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of {@code scripts/run}: stdout holds the ready line and the stop line only, also on the run
 * that trains the JVM's start-up cache; {@code --check-config} prints YAML that {@code --config} takes back; started
 * from another directory it creates nothing there and names the store's absolute path; {@code --log-level}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OperatorBasicsIT {
    private static final Path RUN = Path.of("../../scripts/run").toAbsolutePath().normalize();
    private static final Path AOT_MARKER = Path.of("target/tracker.aot.ok").toAbsolutePath();

    @TempDir
    Path dir;

    private Process start(Path cwd, Map<String, String> env, List<String> unset, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", RUN.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("stdout.log").toFile()));
        pb.environment().put("SWARM_NO_BUILD", "1");
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        return pb.start();
    }

    private String awaitReady(Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            for (String line : Files.readAllLines(dir.resolve("stdout.log"))) {
                if (line.startsWith("tracker ready")) {
                    return line;
                }
            }
            p.waitFor(100, TimeUnit.MILLISECONDS); // polls the file; returns early if the process ends
        }
        throw new AssertionError("tracker did not become ready: " + Files.readString(dir.resolve("stderr.log")));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM (scripts/run execs the JVM)
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "stopped within 90 s of SIGTERM (writing the start-up cache included)");
        assertEquals(0, p.exitValue());
    }

    private List<String> stdout() throws IOException {
        return Files.readAllLines(dir.resolve("stdout.log"));
    }

    private List<String> serveOnce(String... args) throws Exception {
        Files.deleteIfExists(dir.resolve("stdout.log"));
        Process p = start(dir, Map.of(), List.of(), args);
        try {
            awaitReady(p);
        } finally {
            stop(p);
        }
        return stdout();
    }

    @Test
    void stdoutHasTheReadyAndStopLinesOnlyAlsoWhenTheStartupCacheIsTrained() throws Exception {
        String[] args = {"--http", "127.0.0.1:0", "--udp", "off", "--data-dir", dir.resolve("d").toString()};
        Files.deleteIfExists(AOT_MARKER); // the next serving run trains the cache (on JDK 25 and later)
        List<String> training = serveOnce(args);
        assertEquals(2, training.size(), "training run: " + training);
        assertTrue(training.get(0).matches("tracker ready http=127\\.0\\.0\\.1:\\d+ store=\\S+"), training.get(0));
        assertTrue(ScriptRun.port(training.get(0), "http") > 0, training.get(0));
        assertEquals("tracker stopped", training.get(1));
        List<String> cached = serveOnce(args);
        assertEquals(2, cached.size(), "run with the cache: " + cached);
        assertTrue(cached.get(0).startsWith("tracker ready"), cached.get(0));
    }

    @Test
    void checkConfigPrintsYamlThatConfigTakesBack() throws Exception {
        Process p = start(dir, Map.of(), List.of(), "--check-config", "--http", "[::1]:7070", "--udp", "off",
                "--data-dir", "relative/store", "--mode", "public");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr.log")));
        String yaml = Files.readString(dir.resolve("stdout.log"));
        assertFalse(yaml.contains("TrackerConfig["), yaml);
        assertTrue(yaml.startsWith("# The effective tracker configuration"), yaml);
        assertTrue(yaml.contains("listen: \"[::1]:7070\"") || yaml.contains("listen: '[::1]:7070'"), yaml);
        assertTrue(yaml.contains("data-dir: " + dir.toRealPath().resolve("relative/store")), "absolute path: " + yaml);
        Path file = dir.resolve("effective.yaml");
        Files.writeString(file, yaml);

        Process q = start(dir, Map.of(), List.of(), "--check-config", "--config", file.toString());
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, q.exitValue(), Files.readString(dir.resolve("stderr.log")));
        assertEquals(yaml, Files.readString(dir.resolve("stdout.log")));
    }

    @Test
    void startedFromAnotherDirectoryItCreatesNothingThereAndSaysWhereTheStoreIs() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("elsewhere"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Process p = start(cwd, Map.of("HOME", home.toString()), List.of("XDG_STATE_HOME"),
                "--http", "127.0.0.1:0", "--udp", "off", "--log-level", "warn");
        String ready;
        try {
            ready = awaitReady(p);
        } finally {
            stop(p);
        }
        Path store = home.resolve(".local/state/swarm-tracker");
        assertTrue(ready.endsWith(" store=" + store), ready);
        assertTrue(Files.isDirectory(store), "the store is in the user's state directory");
        try (Stream<Path> s = Files.list(cwd)) {
            assertEquals(List.of(), s.toList(), "nothing created in the working directory");
        }
        String log = Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
        assertFalse(log.contains(" INFO "), "--log-level warn hides the INFO lines:\n" + log);
    }

    @Test
    void logLevelDebugShowsDebugLinesAndABadLevelIsAOneLineError() throws Exception {
        Process bad = start(dir, Map.of(), List.of(), "--log-level", "loud");
        assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        List<String> err = Files.readAllLines(dir.resolve("stderr.log"));
        assertEquals("tracker: option '--log-level' takes one of error, warn, info, debug, trace, not 'loud'", err.get(0));
        assertFalse(String.join("\n", err).contains("Exception"), String.join("\n", err));

        serveOnce("--http", "127.0.0.1:0", "--udp", "off", "--data-dir", dir.resolve("d").toString(),
                "--log-level", "debug");
        assertTrue(Files.readString(dir.resolve("stderr.log")).contains(" DEBUG "), "DEBUG lines on stderr");
    }
}
