package dev.swarm.peerbridge.torrent;

import dev.swarm.protocol.InfoHash;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Everything the bridge needs to join one swarm, whatever the source.
 *
 * @param infoHash    the v1 info-hash
 * @param name        display name ({@code info.name} or magnet {@code dn}), may be empty
 * @param tiers       trackers as BEP 12 tiers (a single tier for magnet links and plain lists)
 * @param isPrivate   BEP 27 private flag (only known from a .torrent file; false otherwise)
 * @param pieceCount  number of pieces, or -1 when unknown (no metadata)
 * @param peers       peers to dial at once (magnet {@code x.pe}), unresolved
 * @param source      where it came from, for logs and the API
 * @param metainfo    the .torrent file exactly as read (its info dictionary is what the info-hash hashes), or null
 *                    when there is none (magnet, hash line); the web package republishes it with ranked trackers
 */
public record TorrentSpec(InfoHash infoHash, String name, List<List<String>> tiers, boolean isPrivate,
        int pieceCount, List<InetSocketAddress> peers, String source, byte[] metainfo) {

    public TorrentSpec {
        tiers = tiers.stream().map(List::copyOf).toList();
        peers = List.copyOf(peers);
        metainfo = metainfo == null ? null : metainfo.clone();
    }

    /** A torrent known without its metainfo file (magnet link, info-hash line). */
    public TorrentSpec(InfoHash infoHash, String name, List<List<String>> tiers, boolean isPrivate, int pieceCount,
            List<InetSocketAddress> peers, String source) {
        this(infoHash, name, tiers, isPrivate, pieceCount, peers, source, null);
    }

    /** A copy of the .torrent file, or null when there is none. */
    @Override
    public byte[] metainfo() {
        return metainfo == null ? null : metainfo.clone();
    }
}
