package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's) for tests, on loopback, without persistence, started and stopped by the
 * test (by its own PID only).
 *
 * <p>Redis cannot bind port 0, so a plain server listens on a unix socket in the test's directory (no port at all);
 * a Redis Cluster member needs TCP: it gets a random port from 20000 to 29999 (its cluster bus takes port + 10000),
 * and when that port is taken Redis says so in its log and exits, and another random port is tried (at most 20).
 * Readiness is Redis's own "Ready to accept connections" line in its log; every wait has a deadline.
 */
final class RedisProcess implements AutoCloseable {
    private static final long READY_MILLIS = 10_000;
    private final Path dir;
    private final boolean clusterEnabled;
    private int port;
    private Process process;
    private int starts;

    private RedisProcess(Path dir, boolean clusterEnabled) {
        this.dir = dir;
        this.clusterEnabled = clusterEnabled;
    }

    /** Skips the test (or fails it under CI=true) when redis-server is not installed. */
    static void requireRedis() throws Exception {
        RealClientTest.requireTool("redis-server", "--version");
        RealClientTest.requireTool("redis-cli", "--version");
    }

    /** A plain server on a unix socket {@code dir/redis.sock}. */
    static RedisProcess onSocket(Path dir) throws Exception {
        RedisProcess r = new RedisProcess(dir, false);
        Files.createDirectories(dir);
        r.start();
        return r;
    }

    /** A server with {@code --cluster-enabled yes} on a random free TCP port of 127.0.0.1. */
    static RedisProcess clusterMember(Path dir) throws Exception {
        RedisProcess r = new RedisProcess(dir, true);
        Files.createDirectories(dir);
        for (int attempt = 0; attempt < 20; attempt++) {
            r.port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (r.tryStart()) {
                return r;
            }
        }
        throw new IOException("redis-server found no free port in 20 attempts; see " + r.log());
    }

    Path socket() {
        return dir.resolve("redis.sock");
    }

    int port() {
        return port;
    }

    private Path log() {
        return dir.resolve("redis-" + starts + ".log");
    }

    /** The URL a tracker's cluster.redis takes. */
    String url() {
        return clusterEnabled ? "redis://127.0.0.1:" + port : "redis-socket://" + socket();
    }

    long pid() {
        return process.pid();
    }

    /** Starts (again) with the same socket or port; fails when it is not ready in time. */
    void start() throws Exception {
        if (!tryStart()) {
            throw new IOException("redis-server did not start: " + Files.readString(log()));
        }
    }

    private boolean tryStart() throws Exception {
        starts++;
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--logfile", log().toString(), "--daemonize", "no"));
        if (clusterEnabled) {
            cmd.addAll(List.of("--port", Integer.toString(port), "--cluster-enabled", "yes", "--cluster-config-file",
                    dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout", "2000"));
        } else {
            cmd.addAll(List.of("--port", "0", "--unixsocket", socket().toString(), "--unixsocketperm", "700"));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
        while (System.nanoTime() < deadline) {
            String log = Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
            if (log.toLowerCase(java.util.Locale.ROOT).contains("ready to accept connections")) {
                return true;
            }
            if (!process.isAlive()) {
                if (log.contains("Address already in use") && clusterEnabled) {
                    return false;
                }
                throw new IOException("redis-server exited (" + process.exitValue() + "): " + log);
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // a readiness poll with a deadline, not a hope
        }
        process.destroyForcibly();
        throw new IOException("redis-server not ready within " + READY_MILLIS + " ms: " + Files.readString(log()));
    }

    /** Stops it (SIGKILL to its own PID), waiting until it is gone. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "redis-server " + process.pid() + " did not exit");
        }
    }

    /**
     * A Redis Cluster of {@code masters} cluster members (in {@code dir/redis0...}), joined with
     * {@code redis-cli --cluster create} and each reporting {@code cluster_state:ok} (within 20 s). The caller closes
     * every member, also when this fails half-way (they are added to {@code started} as they start).
     */
    static void redisCluster(Path dir, int masters, List<RedisProcess> started) throws Exception {
        for (int i = 0; i < masters; i++) {
            started.add(clusterMember(dir.resolve("redis" + i)));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (RedisProcess m : started) {
            create.add("127.0.0.1:" + m.port());
        }
        create.add("--cluster-yes");
        run(create);
        for (RedisProcess m : started) {
            assertTrue(ClusterNodes.within(20_000, ClusterNodes.quietly(() -> m.cli("CLUSTER", "INFO")
                    .contains("cluster_state:ok"))), "cluster not ok on " + m.port());
        }
    }

    /** SIGSTOP to its own PID: it keeps its connections but answers nothing, as a hung Redis (commands time out). */
    void pause() throws Exception {
        run(List.of("kill", "-STOP", Long.toString(process.pid())));
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws Exception {
        run(List.of("kill", "-CONT", Long.toString(process.pid())));
    }

    /** Runs redis-cli against this server; returns its output (fails on a non-zero exit or after 30 s). */
    String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        if (clusterEnabled) {
            cmd.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port)));
        } else {
            cmd.addAll(List.of("-s", socket().toString()));
        }
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0, String.join(" ", cmd) + " failed: " + text);
        return text;
    }

    /** used_memory of INFO memory, in bytes. */
    long usedMemory() throws Exception {
        for (String line : cli("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IOException("no used_memory in INFO memory");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
