package dev.swarm.tracker.admin;

/** A member's last {@code stopped} on a torrent and the swarm (seeders, leechers, without them) at that moment. */
record MemberStop(String user, int seeders, int leechers, long atMillis) {
}
