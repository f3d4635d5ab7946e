package dev.swarm.peerbridge.health;

import java.util.List;

/**
 * The swarm of one torrent as the bridge sees it from the peers it is connected to.
 *
 * <p>With a magnet link whose metadata has not arrived the piece count is unknown: then
 * {@code pieceCount}, {@code seeds}, {@code leechers}, {@code availability} and
 * {@code completionHistogram} are null ("unknown"), not a wrong number.
 *
 * @param infoHash            hex info-hash
 * @param name                display name, may be null
 * @param atMillis            when the figures were taken
 * @param peersConnected      peers with the handshake done
 * @param seeds               of those, peers holding every piece (by bitfield / have)
 * @param leechers            the others
 * @param pieceCount          pieces in the torrent, null while unknown
 * @param availability        distributed copies ({@link Availability#distributedCopies}), null while unknown
 * @param completionHistogram 11 buckets of peers by completion: [0,10) %, [10,20) %, ... [90,100) %, 100 %
 */
public record TorrentHealth(String infoHash, String name, long atMillis, int peersConnected, Integer seeds,
        Integer leechers, Integer pieceCount, Double availability, List<Integer> completionHistogram) {

    public TorrentHealth {
        completionHistogram = completionHistogram == null ? null : List.copyOf(completionHistogram);
    }
}
