package dev.swarm.tracker.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on 127.0.0.1 for tests, without persistence, stopped by its PID. Redis cannot
 * bind port 0, so a random high port is tried and, if it is taken (the server exits saying so), another one: no port
 * is ever bound and released to find a free one. {@link #pause}/{@link #resume} (SIGSTOP/SIGCONT) make it
 * unreachable the way a hung or overloaded Redis is: commands time out.
 */
public final class TestRedis implements AutoCloseable {
    static final String SERVER = "/usr/bin/redis-server";
    private static final Duration READY = Duration.ofSeconds(10);

    private final Path dir;
    private Process process;
    private int port;

    private TestRedis(Path dir) {
        this.dir = dir;
    }

    /** Starts a server with its files in {@code dir}; skips the test when redis-server is not installed. */
    public static TestRedis start(Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(SERVER)), "redis-server is not installed (apt-get install redis-server)");
        TestRedis r = new TestRedis(dir);
        Files.createDirectories(dir);
        for (int attempt = 0; attempt < 20; attempt++) {
            if (r.launch(ThreadLocalRandom.current().nextInt(20_000, 60_000))) {
                return r;
            }
        }
        throw new IllegalStateException("redis-server did not start on any of 20 random ports; see " + dir);
    }

    /** Starts on {@code p}; false when the port is taken (the server exited), after cleaning up. */
    private boolean launch(int p) throws Exception {
        Path log = dir.resolve("redis-" + p + ".log");
        Process pr = new ProcessBuilder(SERVER, "--port", Integer.toString(p), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", log.toString(),
                "--daemonize", "no").redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + p + ".out").toFile())
                .start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("Ready to accept connections")) {
                process = pr;
                port = p;
                return true;
            }
            if (!pr.isAlive()) {
                if (text.contains("Address already in use")) {
                    return false;
                }
                throw new IllegalStateException("redis-server exited: " + text);
            }
            pr.waitFor(20, TimeUnit.MILLISECONDS); // waits for the log line, bounded by READY
        }
        pr.destroyForcibly();
        throw new IllegalStateException("redis-server not ready within " + READY + ": " + log);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the server holds its connections but answers nothing. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    /** A plain Lettuce connection (bytes) to this server, for the test's own reads. */
    public StatefulRedisConnection<byte[], byte[]> connect(RedisClient client) {
        return client.connect(ByteArrayCodec.INSTANCE);
    }

    /** A client with the given command timeout that rejects commands while disconnected (as the tracker's). */
    public RedisClient client(Duration timeout) {
        RedisURI u = RedisURI.create(url());
        u.setTimeout(timeout);
        RedisClient c = RedisClient.create(u);
        c.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        return c;
    }

    /** Stops the server by its PID (SIGCONT first, in case it is paused). */
    @Override
    public void close() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            resume();
        } catch (RuntimeException | IOException e) {
            // it may have exited meanwhile
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The server's command line, for messages. */
    @Override
    public String toString() {
        return "redis-server pid " + (process == null ? "-" : process.pid()) + " on " + url() + " " + List.of(dir);
    }
}
