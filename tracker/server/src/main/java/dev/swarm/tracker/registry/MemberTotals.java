package dev.swarm.tracker.registry;

/**
 * One member's accounting summed over all their torrents.
 *
 * @param downloadedFreeleech the part of {@code downloaded} that came while torrents were freeleech
 */
public record MemberTotals(long uploaded, long downloaded, long downloadedFreeleech, long seedingMillis) {
}
