package dev.swarm.tracker.registry;

import dev.swarm.tracker.config.TrackerConfig;
import java.util.List;

/**
 * The arithmetic of the {@code ratio} configuration: what counts as uploaded and downloaded, the ratio, the ratio
 * required at a member's download volume, and whether a completed torrent's seeding requirement is met. No state.
 */
public final class RatioRules {
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final TrackerConfig.Ratio cfg;

    public RatioRules(TrackerConfig.Ratio cfg) {
        this.cfg = cfg;
    }

    public TrackerConfig.Ratio config() {
        return cfg;
    }

    /** Downloaded bytes the rules count: all of them, less freeleech ones when {@code exclude-freeleech}. */
    public long countedDownloaded(MemberTotals t) {
        return cfg.excludeFreeleech() ? Math.max(0, t.downloaded() - t.downloadedFreeleech()) : t.downloaded();
    }

    /** Uploaded bytes plus the seeding credit. */
    public long countedUploaded(MemberTotals t) {
        if (cfg.seedingCreditPerHour() == 0) {
            return t.uploaded();
        }
        double credit = t.seedingMillis() / MILLIS_PER_HOUR * cfg.seedingCreditPerHour();
        double sum = t.uploaded() + credit;
        return sum >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) sum;
    }

    /** Counted uploaded over counted downloaded; {@link Double#POSITIVE_INFINITY} when nothing counted was downloaded. */
    public double ratio(MemberTotals t) {
        long down = countedDownloaded(t);
        return down == 0 ? Double.POSITIVE_INFINITY : (double) countedUploaded(t) / down;
    }

    /** The ratio required at this member's counted download: 0 within the grace and below the first step. */
    public double required(MemberTotals t) {
        long down = countedDownloaded(t);
        if (down < cfg.grace()) {
            return 0;
        }
        double r = 0;
        List<TrackerConfig.Ratio.Step> steps = cfg.required();
        for (TrackerConfig.Ratio.Step s : steps) {
            if (down < s.fromDownloaded()) {
                break;
            }
            r = s.ratio();
        }
        return r;
    }

    /** Whether the ratio rule puts this member below the requirement. */
    public boolean belowRequired(MemberTotals t) {
        return cfg.ratioRule() && ratio(t) < required(t);
    }

    /** Whether a completed torrent's seeding requirement is met: seeded long enough, or the ratio on it reached. */
    public boolean seedingMet(AccountView a) {
        boolean byTime = !cfg.seedTime().isZero() && a.seedingSeconds() * 1000 >= cfg.seedTime().toMillis();
        boolean byRatio = cfg.seedRatio() > 0 && a.downloaded() > 0 && a.uploaded() >= cfg.seedRatio() * a.downloaded();
        return byTime || byRatio;
    }
}
