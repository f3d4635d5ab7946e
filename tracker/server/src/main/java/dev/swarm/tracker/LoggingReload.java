package dev.swarm.tracker;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the logback file named by {@code -Dlogback.configurationFile} (log levels, pattern). The file is first
 * tried on a throw-away logging context: a file with errors is refused and the running configuration stays, so a
 * bad edit cannot silence the tracker's log.
 */
final class LoggingReload {
    static final String PROPERTY = "logback.configurationFile";

    private LoggingReload() {
    }

    /** Re-reads the file now; returns one line for the log saying what happened. */
    static String reload() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return "logging: the embedded default configuration is in use (no -D" + PROPERTY + "), nothing to re-read";
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext live)) {
            return "logging: not logback, nothing re-read";
        }
        URL url;
        try {
            url = file.contains(":/") ? URI.create(file).toURL() : Path.of(file).toUri().toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            return "logging: " + file + " is not a file name or URL, nothing re-read";
        }
        LoggerContext trial = new LoggerContext();
        String error = configure(trial, url);
        trial.stop();
        if (error != null) {
            return "logging: " + file + " not applied (" + error + "); the running configuration stays";
        }
        live.reset();
        error = configure(live, url);
        return error == null ? "logging: re-read " + file : "logging: re-read " + file + " with an error: " + error;
    }

    /** Configures {@code ctx} from the file; returns the first error, or null. */
    private static String configure(LoggerContext ctx, URL url) {
        long start = System.currentTimeMillis();
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        try {
            jc.doConfigure(url);
        } catch (JoranException e) {
            return String.valueOf(e.getMessage());
        }
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= Status.ERROR && s.getTimestamp() >= start) {
                return s.getMessage();
            }
        }
        return null;
    }
}
