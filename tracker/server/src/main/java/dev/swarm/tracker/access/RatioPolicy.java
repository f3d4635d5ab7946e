package dev.swarm.tracker.access;

import dev.swarm.protocol.AnnounceEvent;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.Accounting;
import dev.swarm.tracker.registry.MemberTotals;
import dev.swarm.tracker.registry.RatioRules;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.Standings;
import dev.swarm.tracker.registry.Torrent;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Private mode, after {@link MayDownloadPolicy}: the ratio rules ({@code ratio} in the configuration).
 *
 * <p>Only announces that would start a download are refused: {@code left > 0}, not {@code stopped}, on a torrent
 * the member is not downloading already ({@link Accounting#downloading}). Seeding is never refused, since it is how
 * a member gets their ratio back; a download already under way is finished, since refusing it would strand its
 * partial data with nobody to complete it and waste what was already transferred. Refused are:
 * <ul>
 *   <li>members in upload-only mode (ratio below the required one, too many strikes, or set by the admin), with a
 *       reason that says which and how to get out, e.g. {@code ratio 0.42 below the required 0.60: seeding only
 *       until it is met};</li>
 *   <li>during a new torrent's embargo, members below the embargo's minimum ratio or upload.</li>
 * </ul>
 * Members with the admin's {@code exempt} override are never limited.
 */
public final class RatioPolicy implements AnnouncePolicy {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Registry registry;
    private final Standings standings;
    private final RatioRules rules;
    private final InstantSource clock;
    private final Metrics.Counter refusedUploadOnly;
    private final Metrics.Counter refusedEmbargo;

    public RatioPolicy(Registry registry, InstantSource clock, Metrics metrics) {
        this.registry = registry;
        this.standings = registry.standings();
        this.rules = standings.rules();
        this.clock = clock;
        this.refusedUploadOnly = metrics.counter("ratio.refused_upload_only");
        this.refusedEmbargo = metrics.counter("ratio.refused_embargo");
    }

    @Override
    public String check(AnnounceContext ctx) {
        if (ctx.user == null || ctx.left <= 0 || ctx.op.event == AnnounceEvent.STOPPED) {
            return null;
        }
        String user = ctx.user.name();
        if (standings.exempt(user)) {
            return null;
        }
        Standings.State state = standings.state(user);
        boolean embargo = rules.config().embargoRule();
        if (state == Standings.State.NORMAL && !embargo) {
            return null;
        }
        InfoHash ih = InfoHash.of(ctx.op.infoHash, 0);
        long now = clock.millis();
        if (registry.accounting().downloading(user, ih, now)) {
            return null;
        }
        if (state == Standings.State.UPLOAD_ONLY) {
            refusedUploadOnly.inc();
            return uploadOnlyReason(user, standings.reason(user));
        }
        Torrent t = registry.torrent(ih);
        if (t == null || t.addedMillis() == 0) {
            return null;
        }
        long until = t.addedMillis() + rules.config().embargo().toMillis();
        if (now >= until) {
            return null;
        }
        MemberTotals totals = registry.accounting().totals(user);
        double ratio = rules.ratio(totals);
        long uploaded = rules.countedUploaded(totals);
        if (ratio >= rules.config().embargoMinRatio() && uploaded >= rules.config().embargoMinUploaded()) {
            return null;
        }
        refusedEmbargo.inc();
        return "new torrent held back until " + WHEN.format(Instant.ofEpochMilli(until)) + " for members with ratio below "
                + Standings.formatRatio(rules.config().embargoMinRatio())
                + (rules.config().embargoMinUploaded() > 0 ? " or under " + bytes(rules.config().embargoMinUploaded())
                + " uploaded" : "") + " (yours: " + Standings.formatRatio(ratio) + ", " + bytes(uploaded) + ")";
    }

    private String uploadOnlyReason(String user, Standings.Reason why) {
        return switch (why) {
            case RATIO -> standings.describe(user, why) + ": seeding only until it is met";
            case STRIKES -> "upload-only: " + standings.describe(user, why) + "; seed them to clear the strikes";
            case FORCED, NONE -> "your account is in upload-only mode (set by the staff): seeding only";
        };
    }

    /** Bytes in the largest binary unit that keeps one decimal readable, e.g. {@code 5.0 GiB}. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
