package dev.swarm.tracker.registry;

import dev.swarm.protocol.InfoHash;

/**
 * A torrent registered for private tracking.
 *
 * @param freeleech while true, bytes users download are also counted in {@code downloaded_freeleech}, which
 *                  ratio rules are expected to subtract (see {@link AccountView})
 * @param addedMillis when it was first registered (the new-torrent embargo counts from it); 0 if not known (a
 *                    journal from before this was recorded)
 */
public record Torrent(InfoHash infoHash, boolean freeleech, long addedMillis) {
}
