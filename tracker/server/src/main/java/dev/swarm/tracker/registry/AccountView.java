package dev.swarm.tracker.registry;

/**
 * What was accounted for one user on one torrent, as read through the admin API and exported.
 *
 * @param uploaded            bytes the user's clients reported uploading, summed over announce deltas
 * @param downloaded          bytes reported downloaded, likewise (all of them, freeleech or not)
 * @param downloadedFreeleech the part of {@code downloaded} that came while the torrent was freeleech
 * @param seedingSeconds      time between consecutive announces of a peer that was a seeder at the first of them
 * @param completed           {@code completed} events (at most one per peer session)
 * @param lastAnnounceMillis  wall-clock time of the last accounted announce
 * @param completedAtMillis   time of the first counted {@code completed} event, 0 before
 * @param lastStop            the swarm when the member last sent {@code stopped}, or null
 */
public record AccountView(String user, String infoHash, long uploaded, long downloaded, long downloadedFreeleech,
                          long seedingSeconds, long completed, long lastAnnounceMillis, long completedAtMillis,
                          Stop lastStop) {
    /**
     * Seeders and leechers the torrent had (in the address family of the announce, without the member) when the
     * member sent {@code stopped}.
     */
    public record Stop(int seeders, int leechers, long atMillis) {
    }
}
