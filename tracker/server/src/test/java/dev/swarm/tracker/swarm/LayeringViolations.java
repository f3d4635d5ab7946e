package dev.swarm.tracker.swarm;

import dev.swarm.tracker.logic.TrackerLogic;

/** A store class that breaks the layering, for {@code ServerRulesCanFailTest} only. */
public final class LayeringViolations {
    private LayeringViolations() {
    }

    /** Calls up into the logic. */
    public static final class CallsTheLogic {
        int interval(TrackerLogic logic) {
            return logic.intervalSeconds();
        }
    }
}
