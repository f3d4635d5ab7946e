package dev.swarm.peerbridge.trackers;

import dev.swarm.protocol.AnnounceEvent;

/**
 * What the bridge tells a tracker. The bridge is an observer: it reports nothing uploaded or
 * downloaded and {@code left} &gt; 0, so trackers hand it seeds as well as leechers.
 *
 * @param infoHash 20 bytes
 * @param peerId   20 bytes
 * @param port     our listen port
 * @param left     bytes left (the torrent size when known, else 1)
 * @param event    BEP 3 event
 * @param numWant  peers wanted
 * @param key      BEP 7 key, stable per process
 * @param learned  true for a URL a peer gave us: its host must resolve to addresses the announcer's
 *                 {@code AddressFilter} allows (checked at request time, so a DNS answer that changed is caught)
 */
public record AnnounceRequest(byte[] infoHash, byte[] peerId, int port, long left, AnnounceEvent event, int numWant,
        int key, boolean learned) {

    /** A request to a trusted tracker (the user's config, magnet or .torrent). */
    public AnnounceRequest(byte[] infoHash, byte[] peerId, int port, long left, AnnounceEvent event, int numWant,
            int key) {
        this(infoHash, peerId, port, left, event, numWant, key, false);
    }
}
