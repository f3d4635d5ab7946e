package dev.swarm.tracker.admin;

import dev.swarm.tracker.registry.MemberTotals;
import dev.swarm.tracker.registry.RatioRules;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.Standings;
import java.util.List;
import java.util.Locale;

/**
 * A member as {@code GET /members/{name}} shows it: totals over all torrents, the ratio rules' view of them, the
 * state (and why), the admin's override, strikes and running seeding requirements.
 *
 * @param ratio          counted uploaded / counted downloaded; null when nothing counted was downloaded
 * @param countedUploaded uploaded plus the seeding credit
 * @param countedDownloaded downloaded less freeleech (when {@code ratio.exclude-freeleech})
 * @param reason         why upload-only: {@code ratio}, {@code strikes}, {@code forced}, or {@code none}
 * @param reasonText     the same in words, as the member's client is told
 */
record MemberView(String name, long uploaded, long downloaded, long downloadedFreeleech, long countedUploaded,
                  long countedDownloaded, Double ratio, double requiredRatio, double seedingHours, String state,
                  String reason, String reasonText, long sinceMillis, String override, List<Standings.Strike> strikes,
                  List<Standings.Requirement> requirements) {

    static MemberView of(String name, Registry registry) {
        MemberTotals t = registry.accounting().totals(name);
        Standings s = registry.standings();
        RatioRules rules = s.rules();
        Standings.View v = s.view(name);
        double r = rules.ratio(t);
        return new MemberView(name, t.uploaded(), t.downloaded(), t.downloadedFreeleech(), rules.countedUploaded(t),
                rules.countedDownloaded(t), Double.isInfinite(r) ? null : r, rules.required(t),
                t.seedingMillis() / 3_600_000.0, lower(v.state()), lower(v.reason()), s.describe(name, v.reason()),
                v.sinceMillis(), lower(v.override()), v.strikes(), v.requirements());
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
