package dev.swarm.tracker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.metrics.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each member's standing under the ratio rules: normal or upload-only (and why), the admin's override, strikes
 * for missed seeding requirements, and the requirements still running.
 *
 * <p>The state is re-evaluated whenever what it depends on changes: after every accounted announce of the member
 * ({@link #afterAnnounce}, so the announce that brings the ratio back is the one that leaves upload-only), when a
 * strike is given or cleared, on an override, and for everyone at start (the configuration may have changed).
 * Changes are logged, counted in metrics and queued as journal records ({@link #drainOutbox}), which the registry
 * appends with the accounting of the same flush; admin changes are appended at once.
 *
 * <p>Thread-safe: a member's state changes under its own lock; requirements and strikes are concurrent maps.
 */
public final class Standings {
    private static final Logger LOG = LoggerFactory.getLogger(Standings.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What a member may do. */
    public enum State { NORMAL, UPLOAD_ONLY }

    /** Why a member is upload-only. */
    public enum Reason { NONE, RATIO, STRIKES, FORCED }

    /** The admin's say: none (the rules decide), exempt from every rule, or upload-only whatever the rules say. */
    public enum Override { NONE, EXEMPT, UPLOAD_ONLY }

    /** A missed seeding requirement on a torrent. */
    public record Strike(String infoHash, long atMillis) {
    }

    /** A seeding requirement still running: meet it before {@code deadlineMillis}. */
    public record Requirement(String infoHash, long deadlineMillis) {
    }

    /** A member's current standing, as the admin API shows it (no locks held). */
    public record View(State state, Reason reason, long sinceMillis, Override override, List<Strike> strikes,
                       List<Requirement> requirements) {
    }

    private record Key(String user, InfoHash infoHash) {
    }

    private static final class Member {
        Override override = Override.NONE;
        State state = State.NORMAL;
        Reason reason = Reason.NONE;
        long sinceMillis;
        final Map<InfoHash, Long> strikes = new ConcurrentHashMap<>();

        boolean isDefault() {
            return override == Override.NONE && state == State.NORMAL && strikes.isEmpty();
        }
    }

    private final RatioRules rules;
    private final Accounting accounting;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    /** Running seeding requirements: member → torrent → deadline (by member, so a member's view is one look-up). */
    private final Map<String, Map<InfoHash, Long>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final List<ObjectNode> outbox = new ArrayList<>();
    private final Metrics.Counter entered;
    private final Metrics.Counter left;
    private final Metrics.Counter struck;
    private final Metrics.Counter cleared;

    Standings(RatioRules rules, Accounting accounting, Metrics metrics) {
        this.rules = rules;
        this.accounting = accounting;
        this.entered = metrics.counter("ratio.upload_only_entered");
        this.left = metrics.counter("ratio.upload_only_left");
        this.struck = metrics.counter("ratio.strikes");
        this.cleared = metrics.counter("ratio.strikes_cleared");
        metrics.gauge("ratio.upload_only_members", this::uploadOnlyCount);
        metrics.gauge("ratio.pending_requirements", pendingCount::get);
    }

    public RatioRules rules() {
        return rules;
    }

    // ---- reads ----

    public State state(String user) {
        Member m = members.get(user);
        return m == null ? State.NORMAL : m.state;
    }

    public Reason reason(String user) {
        Member m = members.get(user);
        return m == null ? Reason.NONE : m.reason;
    }

    public boolean exempt(String user) {
        Member m = members.get(user);
        return m != null && m.override == Override.EXEMPT;
    }

    public int strikeCount(String user) {
        Member m = members.get(user);
        return m == null ? 0 : m.strikes.size();
    }

    public View view(String user) {
        Member m = members.get(user);
        List<Requirement> reqs = new ArrayList<>();
        pending.getOrDefault(user, Map.of()).forEach((ih, deadline) -> reqs.add(new Requirement(ih.toHex(), deadline)));
        reqs.sort(Comparator.comparingLong(Requirement::deadlineMillis));
        if (m == null) {
            return new View(State.NORMAL, Reason.NONE, 0, Override.NONE, List.of(), reqs);
        }
        synchronized (m) {
            List<Strike> strikes = new ArrayList<>();
            new TreeMap<>(m.strikes).forEach((ih, at) -> strikes.add(new Strike(ih.toHex(), at)));
            return new View(m.state, m.reason, m.sinceMillis, m.override, strikes, reqs);
        }
    }

    int uploadOnlyCount() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.state == State.UPLOAD_ONLY) {
                n++;
            }
        }
        return n;
    }

    // ---- changes ----

    /**
     * After an accounted announce of {@code user}: starts the seeding requirement of a download that has just
     * completed, settles a running requirement or clears a strike that is now met, and re-evaluates the state.
     */
    public void afterAnnounce(String user, InfoHash infoHash, long nowMillis) {
        if (rules.config().seedingRule()) {
            AccountView a = accounting.account(user, infoHash);
            if (a != null) {
                Key k = new Key(user, infoHash);
                if (a.completedAtMillis() == nowMillis && a.completed() == 1 && !isPending(k)
                        && !hasStrike(user, infoHash)) {
                    startRequirement(k, nowMillis + rules.config().seedDeadline().toMillis());
                } else if (isPending(k) && rules.seedingMet(a)) {
                    settle(k);
                } else if (hasStrike(user, infoHash) && rules.seedingMet(a)) {
                    clearStrike(user, infoHash, "the seeding requirement is met now");
                }
            }
        }
        evaluate(user, nowMillis);
    }

    private boolean hasStrike(String user, InfoHash ih) {
        Member m = members.get(user);
        return m != null && m.strikes.containsKey(ih);
    }

    private boolean isPending(Key k) {
        Map<InfoHash, Long> m = pending.get(k.user());
        return m != null && m.containsKey(k.infoHash());
    }

    /** Adds a running requirement; false if there was one. */
    private boolean putPending(Key k, long deadline) {
        boolean[] added = {false};
        pending.compute(k.user(), (u, m) -> {
            Map<InfoHash, Long> map = m == null ? new ConcurrentHashMap<>() : m;
            added[0] = map.putIfAbsent(k.infoHash(), deadline) == null;
            return map;
        });
        if (added[0]) {
            pendingCount.incrementAndGet();
        }
        return added[0];
    }

    /** Removes a running requirement (and the member's map when it is empty); false if there was none. */
    private boolean removePending(Key k) {
        boolean[] removed = {false};
        pending.computeIfPresent(k.user(), (u, m) -> {
            removed[0] = m.remove(k.infoHash()) != null;
            return m.isEmpty() ? null : m;
        });
        if (removed[0]) {
            pendingCount.decrementAndGet();
        }
        return removed[0];
    }

    private void startRequirement(Key k, long deadline) {
        if (putPending(k, deadline)) {
            queue(NODES.objectNode().put("type", "requirement").put("user", k.user())
                    .put("info_hash", k.infoHash().toHex()).put("deadline", deadline));
        }
    }

    private void settle(Key k) {
        if (removePending(k)) {
            queue(NODES.objectNode().put("type", "requirement-done").put("user", k.user())
                    .put("info_hash", k.infoHash().toHex()));
        }
    }

    /**
     * Settles requirements that are met and gives a strike for each one past its deadline, then re-evaluates the
     * members concerned. The registry calls it every flush.
     *
     * @return strikes given
     */
    int sweep(long nowMillis) {
        int n = 0;
        for (Map.Entry<String, Map<InfoHash, Long>> byUser : pending.entrySet()) {
            for (Map.Entry<InfoHash, Long> e : byUser.getValue().entrySet()) {
                Key k = new Key(byUser.getKey(), e.getKey());
                AccountView a = accounting.account(k.user(), k.infoHash());
                if (a != null && rules.seedingMet(a)) {
                    settle(k);
                } else if (nowMillis >= e.getValue()) {
                    settle(k);
                    strike(k.user(), k.infoHash(), nowMillis);
                    evaluate(k.user(), nowMillis);
                    n++;
                }
            }
        }
        return n;
    }

    private void strike(String user, InfoHash ih, long nowMillis) {
        Member m = members.computeIfAbsent(user, u -> new Member());
        synchronized (m) {
            if (m.strikes.putIfAbsent(ih, nowMillis) != null) {
                return;
            }
            queue(NODES.objectNode().put("type", "strike").put("user", user).put("info_hash", ih.toHex())
                    .put("at", nowMillis));
            LOG.info("member {}: strike on {} (seeding requirement not met within {}); {} strike(s)", user, ih,
                    rules.config().seedDeadline(), m.strikes.size());
        }
        struck.inc();
    }

    private boolean clearStrike(String user, InfoHash ih, String why) {
        Member m = members.get(user);
        if (m == null) {
            return false;
        }
        synchronized (m) {
            if (m.strikes.remove(ih) == null) {
                return false;
            }
            queue(NODES.objectNode().put("type", "strike-cleared").put("user", user).put("info_hash", ih.toHex()));
            LOG.info("member {}: strike on {} cleared ({}); {} strike(s) left", user, ih, why, m.strikes.size());
        }
        cleared.inc();
        return true;
    }

    /**
     * Clears one strike ({@code infoHash} given) or all of a member's strikes, and re-evaluates.
     *
     * @return strikes cleared
     */
    int clearStrikes(String user, InfoHash infoHash, long nowMillis) {
        int n = 0;
        Member m = members.get(user);
        if (m != null) {
            for (InfoHash ih : List.copyOf(m.strikes.keySet())) {
                if ((infoHash == null || infoHash.equals(ih)) && clearStrike(user, ih, "by the admin")) {
                    n++;
                }
            }
        }
        evaluate(user, nowMillis);
        return n;
    }

    void setOverride(String user, Override o, long nowMillis) {
        Member m = members.computeIfAbsent(user, u -> new Member());
        synchronized (m) {
            if (m.override != o) {
                LOG.info("member {}: override {} -> {}", user, name(m.override), name(o));
                m.override = o;
                queue(memberRecord(user, m));
            }
        }
        evaluate(user, nowMillis);
    }

    /** Re-evaluates every member with accounting or a standing (at start: the rules may have changed). */
    void evaluateAll(long nowMillis) {
        for (String u : accounting.members()) {
            evaluate(u, nowMillis);
        }
        for (String u : List.copyOf(members.keySet())) {
            evaluate(u, nowMillis);
        }
    }

    /** Moves the member to the state the rules give now; logs, counts and journals a change. */
    void evaluate(String user, long nowMillis) {
        Member m = members.get(user);
        Reason why = target(user, m);
        State to = why == Reason.NONE ? State.NORMAL : State.UPLOAD_ONLY;
        if (m == null) {
            if (to == State.NORMAL) {
                return;
            }
            m = members.computeIfAbsent(user, u -> new Member());
        }
        boolean changed;
        State from;
        synchronized (m) {
            why = target(user, m); // again under the lock: strikes or the override may have changed meanwhile
            to = why == Reason.NONE ? State.NORMAL : State.UPLOAD_ONLY;
            from = m.state;
            changed = from != to || m.reason != why;
            if (changed) {
                m.state = to;
                m.reason = why;
                m.sinceMillis = nowMillis;
                queue(memberRecord(user, m));
            }
        }
        if (!changed) {
            return;
        }
        if (to == State.UPLOAD_ONLY && from == State.NORMAL) {
            entered.inc();
            LOG.info("member {}: upload-only ({})", user, describe(user, why));
        } else if (to == State.NORMAL) {
            left.inc();
            LOG.info("member {}: back to normal (was upload-only)", user);
        } else {
            LOG.info("member {}: still upload-only, now because of {}", user, describe(user, why));
        }
    }

    private Reason target(String user, Member m) {
        Override o = m == null ? Override.NONE : m.override;
        if (o == Override.EXEMPT) {
            return Reason.NONE;
        }
        if (o == Override.UPLOAD_ONLY) {
            return Reason.FORCED;
        }
        int limit = rules.config().strikesForUploadOnly();
        if (limit > 0 && m != null && m.strikes.size() >= limit) {
            return Reason.STRIKES;
        }
        return rules.belowRequired(accounting.totals(user)) ? Reason.RATIO : Reason.NONE;
    }

    /** Why, in words, for the log and the client's error line. */
    public String describe(String user, Reason why) {
        return switch (why) {
            case NONE -> "normal";
            case FORCED -> "set by the admin";
            case STRIKES -> {
                int n = strikeCount(user);
                yield n + (n == 1 ? " strike" : " strikes") + " for torrents not seeded as required";
            }
            case RATIO -> {
                MemberTotals t = accounting.totals(user);
                yield "ratio " + formatRatio(rules.ratio(t)) + " below the required " + formatRatio(rules.required(t));
            }
        };
    }

    /** Two decimals, rounded down (so 0.599 never reads as "0.60 below the required 0.60"); "inf" for no download. */
    public static String formatRatio(double r) {
        if (Double.isInfinite(r)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.2f", Math.floor(r * 100) / 100);
    }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ---- journal ----

    private void queue(ObjectNode record) {
        synchronized (outbox) {
            outbox.add(record);
        }
    }

    /** Journal records queued since the last call. */
    List<ObjectNode> drainOutbox() {
        synchronized (outbox) {
            List<ObjectNode> out = List.copyOf(outbox);
            outbox.clear();
            return out;
        }
    }

    private static ObjectNode memberRecord(String user, Member m) {
        return NODES.objectNode().put("type", "member").put("user", user).put("state", name(m.state))
                .put("reason", name(m.reason)).put("since", m.sinceMillis).put("override", name(m.override));
    }

    /** Every standing that is not the default, every strike and running requirement (compaction). */
    void writeState(Consumer<ObjectNode> sink) {
        members.forEach((user, m) -> {
            synchronized (m) {
                if (!m.isDefault()) {
                    sink.accept(memberRecord(user, m));
                }
                m.strikes.forEach((ih, at) -> sink.accept(NODES.objectNode().put("type", "strike").put("user", user)
                        .put("info_hash", ih.toHex()).put("at", at)));
            }
        });
        pending.forEach((user, m) -> m.forEach((ih, deadline) -> sink.accept(NODES.objectNode().put("type", "requirement")
                .put("user", user).put("info_hash", ih.toHex()).put("deadline", deadline))));
    }

    /** Applies one journal record of the types written here (while loading; single-threaded). */
    void load(JsonNode r) {
        String type = r.path("type").asText();
        String user = Accounting.requireText(r, "user");
        switch (type) {
            case "member" -> {
                Member m = members.computeIfAbsent(user, u -> new Member());
                m.state = parse(State.class, Accounting.requireText(r, "state"));
                m.reason = parse(Reason.class, Accounting.requireText(r, "reason"));
                m.override = parse(Override.class, Accounting.requireText(r, "override"));
                m.sinceMillis = Accounting.requireLong(r, "since");
            }
            case "strike" -> members.computeIfAbsent(user, u -> new Member()).strikes
                    .put(InfoHash.fromHex(Accounting.requireText(r, "info_hash")), Accounting.requireLong(r, "at"));
            case "strike-cleared" -> {
                Member m = members.get(user);
                if (m != null) {
                    m.strikes.remove(InfoHash.fromHex(Accounting.requireText(r, "info_hash")));
                }
            }
            case "requirement" -> putPending(new Key(user, InfoHash.fromHex(Accounting.requireText(r, "info_hash"))),
                    Accounting.requireLong(r, "deadline"));
            case "requirement-done" -> removePending(new Key(user, InfoHash.fromHex(Accounting.requireText(r, "info_hash"))));
            default -> throw new IllegalArgumentException("not a standing record: " + type);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (name(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " '" + text + "'");
    }
}
