package dev.swarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tracker's command line: both option forms, flags, and a clear message for what it does not take. */
class MainArgsTest {

    @Test
    void valueOptionsOverrideTheirConfigKeysInBothForms() throws Exception {
        Main.Args a = Main.parse(new String[] {"--http", "127.0.0.1:8080", "--udp=off", "--data-dir", "/var/lib/t",
                "--store=heap", "--mode", "private", "--admin=127.0.0.1:9000", "-c", "t.yaml"});
        assertEquals(Map.of("http.listen", "127.0.0.1:8080", "udp.listen", "off", "store.data-dir", "/var/lib/t",
                "store.type", "heap", "mode", "private", "admin.listen", "127.0.0.1:9000"), a.overrides());
        assertEquals(Path.of("t.yaml"), a.config());
        assertFalse(a.checkConfig() || a.printDefaultConfig() || a.help() || a.version());
    }

    @Test
    void flags() throws Exception {
        assertTrue(Main.parse(new String[] {"--check-config"}).checkConfig());
        assertTrue(Main.parse(new String[] {"--print-default-config"}).printDefaultConfig());
        assertTrue(Main.parse(new String[] {"-h"}).help());
        assertTrue(Main.parse(new String[] {"--version"}).version());
        Main.Args none = Main.parse(new String[0]);
        assertNull(none.config());
        assertTrue(none.overrides().isEmpty());
    }

    @Test
    void logLevel() throws Exception {
        assertNull(Main.parse(new String[0]).logLevel());
        assertEquals("debug", Main.parse(new String[] {"--log-level", "DEBUG"}).logLevel());
        assertEquals("warn", Main.parse(new String[] {"--log-level=warn"}).logLevel());
        assertEquals("option '--log-level' takes one of error, warn, info, debug, trace, not 'loud'",
                assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--log-level", "loud"})).getMessage());
        assertTrue(Main.usage().contains("--log-level"));
    }

    @Test
    void aValueMayContainAnEqualsSign() throws Exception {
        assertEquals("/data/a=b", Main.parse(new String[] {"--data-dir=/data/a=b"}).overrides().get("store.data-dir"));
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown option '--htp'",
                assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--htp", "x"})).getMessage());
        assertEquals("option '--udp' needs a value (ADDR:PORT)",
                assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--udp"})).getMessage());
        assertEquals("option '--check-config' takes no value",
                assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--check-config=yes"})).getMessage());
        assertTrue(assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"serve"})).getMessage()
                .startsWith("unexpected argument 'serve'"));
    }

    @Test
    void usageListsEveryOption() {
        String u = Main.usage();
        for (String o : new String[] {"--config", "--http", "--udp", "--data-dir", "--store", "--mode", "--admin",
                "--print-default-config", "--check-config", "--help", "--version", Main.ADMIN_TOKEN_ENV}) {
            assertTrue(u.contains(o), o + " missing from:\n" + u);
        }
    }

    @Test
    void aBadCommandLineExitsWithTwo() {
        assertEquals(2, Main.run(new String[] {"--nope"}));
        assertEquals(0, Main.run(new String[] {"--version"}));
    }
}
