package dev.swarm.tracker.registry;

import dev.swarm.protocol.InfoHash;

/**
 * A torrent registered for private tracking.
 *
 * @param freeleech while true, bytes users download are also counted in {@code downloaded_freeleech}, which
 *                  ratio rules are expected to subtract (see {@link AccountView})
 */
public record Torrent(InfoHash infoHash, boolean freeleech) {
}
