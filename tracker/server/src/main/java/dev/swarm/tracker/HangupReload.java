package dev.swarm.tracker;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code systemctl reload} (SIGHUP) re-reads what can change without a restart: the logging configuration (log
 * levels) and the info-hash list file. {@code sun.misc.Signal} is the only way the JDK offers to handle a signal;
 * without a handler, SIGHUP would stop the JVM. Everything in tracker.yaml still needs a restart.
 */
final class HangupReload {
    private static final Logger LOG = LoggerFactory.getLogger(HangupReload.class);

    private HangupReload() {
    }

    static void install(Tracker tracker) {
        Signal.handle(new Signal("HUP"), s -> reload(tracker));
    }

    static void reload(Tracker tracker) {
        try {
            LOG.info("reload (SIGHUP): {}", LoggingReload.reload());
            Map<String, Object> list = tracker.reloadAccessList();
            LOG.info("reload (SIGHUP): {}", list == null ? "no access list configured" : "access list " + list);
        } catch (IllegalStateException e) {
            LOG.error("reload (SIGHUP): {}; the previous access list stays", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("reload (SIGHUP) failed; the tracker keeps running with what it had", e);
        }
    }
}
