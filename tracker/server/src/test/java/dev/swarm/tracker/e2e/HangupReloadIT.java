package dev.swarm.tracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.swarm.protocol.bencode.BDict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemctl reload} is {@code kill -HUP $MAINPID}: the tracker (through {@code scripts/run}) re-reads its
 * info-hash list and its logback file, refuses a broken logback file, and keeps serving.
 */
@Timeout(180)
class HangupReloadIT {
    private static final byte[] HASH = "hangup-reload-hash-1".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private static String logback(String prefix, String level) {
        return "<configuration>\n  <appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <target>System.err</target>\n    <encoder><pattern>" + prefix + " %level %logger{0}: %msg%n</pattern></encoder>\n"
                + "  </appender>\n  <root level=\"" + level + "\"><appender-ref ref=\"E\"/></root>\n</configuration>\n";
    }

    private static void hangup(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }

    /** Polls the log file (every 50 ms, at most 20 s) until {@code condition} holds on its text. */
    private static String awaitLog(Path log, String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String text = Files.readString(log);
        while (!condition.test(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log never showed " + what + ":\n" + text);
            }
            Thread.sleep(50);
            text = Files.readString(log);
        }
        return text;
    }

    private static String failure(int port) throws Exception {
        BDict r = TestNet.getBencoded("http://127.0.0.1:" + port + "/announce?info_hash=" + TestNet.percentEncode(HASH)
                + "&peer_id=-HU0001-000000000001&port=6881&uploaded=0&downloaded=0&left=0");
        return r.get("failure reason") == null ? null : r.string("failure reason");
    }

    @Test
    void sighupReReadsTheAccessListAndTheLoggingConfigAndKeepsServing() throws Exception {
        Path list = dir.resolve("deny.txt");
        Files.writeString(list, "# nothing denied yet\n");
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, logback("FIRST", "INFO"));
        Path cfg = dir.resolve("tracker.yaml");
        // an hour between polls: only the SIGHUP can make the tracker see the edit within the test
        Files.writeString(cfg, "access:\n  info-hash-list: " + list + "\n  info-hash-list-mode: deny\n  reload-interval: 1h\n");
        Path log = dir.resolve("stderr.log");
        Process p = ScriptRun.start(log, Map.of("TRACKER_JAVA_OPTS", "-Dlogback.configurationFile=" + logback),
                "--config", cfg.toString(), "--http", "127.0.0.1:0", "--udp", "off", "--data-dir", dir.resolve("data").toString());
        try {
            int port = ScriptRun.port(ScriptRun.awaitReady(p, log), "http");
            assertNull(failure(port), "not denied yet");

            Files.writeString(list, HexFormat.of().formatHex(HASH) + "\n");
            Files.writeString(logback, logback("SECOND", "INFO"));
            hangup(p);
            awaitLog(log, "the access list re-read", t -> t.contains("SECOND INFO HangupReload: reload (SIGHUP): access list"));
            assertEquals("torrent not allowed on this tracker", failure(port));
            assertTrue(p.isAlive());

            Files.writeString(logback, "<configuration><appender name=");   // a bad edit
            hangup(p);
            String text = awaitLog(log, "the broken file refused", t -> t.contains("SECOND INFO HangupReload: reload (SIGHUP): logging: "
                    + logback + " not applied"));
            assertTrue(text.contains("the running configuration stays"), text);

            Files.writeString(logback, logback("THIRD", "WARN"));
            Files.delete(list);   // the list reload fails: an ERROR, which WARN still shows
            hangup(p);
            text = awaitLog(log, "the error of the list reload under the new level", t -> t.contains("THIRD ERROR HangupReload"));
            assertTrue(text.contains("does not exist; the previous access list stays"), text);
            assertFalse(text.contains("THIRD INFO"), "root level WARN hides INFO lines: " + text);
            assertEquals("torrent not allowed on this tracker", failure(port), "the previous list stays in force");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
    }
}
