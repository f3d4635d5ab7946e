package dev.swarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** conf/logback.xml and the copy packaged in the jar load without errors (a broken one prints Logback's noise on stdout). */
class LogbackConfigTest {
    private static final Path CONF = Path.of("../../conf/logback.xml");
    private static final Path PACKAGED = Path.of("src/main/resources/logback.xml");

    @Test
    void bothCopiesAreTheSameAndLoadCleanly() throws Exception {
        assertEquals(Files.readString(CONF), Files.readString(PACKAGED), "conf/logback.xml and the packaged copy differ");
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator c = new JoranConfigurator();
        c.setContext(ctx);
        c.doConfigure(CONF.toFile());
        List<Status> problems = ctx.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).toList();
        assertEquals(List.of(), problems);
        assertEquals(Level.INFO, ctx.getLogger("tracker.requests").getLevel(), "the request log stays at INFO");
        assertTrue(ctx.getLogger("io.undertow").getLevel().isGreaterOrEqual(Level.WARN));
        ctx.stop();
    }
}
