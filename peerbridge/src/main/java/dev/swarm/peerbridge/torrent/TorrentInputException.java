package dev.swarm.peerbridge.torrent;

/** A torrent input (.torrent file, magnet link, info-hash line) that cannot be used, with the reason. */
public final class TorrentInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public TorrentInputException(String message) {
        super(message);
    }

    public TorrentInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
