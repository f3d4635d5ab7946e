package dev.swarm.tracker.admin;

import java.util.Map;

/** What the admin API may do with the access lists: reload them now. */
@FunctionalInterface
public interface AccessListControl {
    /**
     * Re-reads the list file and swaps it in if it parses.
     *
     * @return a JSON-able summary (e.g. {@code {"entries": 12, "changed": true}})
     * @throws IllegalStateException with an operator-readable message when the file cannot be used (the old list stays)
     */
    Map<String, Object> reload();
}
