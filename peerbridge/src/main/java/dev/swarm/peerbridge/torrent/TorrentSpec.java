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
 * @param v2Hash      the BEP 52 info-hash (SHA-256, 32 bytes) from a magnet's {@code xt=urn:btmh:1220...}, or null
 * @param metainfo    the .torrent file exactly as read (its info dictionary is what the info-hash hashes), or null
 *                    when there is none (magnet, hash line); the web package republishes it with ranked trackers
 */
public record TorrentSpec(InfoHash infoHash, String name, List<List<String>> tiers, boolean isPrivate,
        int pieceCount, List<InetSocketAddress> peers, String source, byte[] v2Hash, byte[] metainfo) {

    public TorrentSpec {
        tiers = tiers.stream().map(List::copyOf).toList();
        peers = List.copyOf(peers);
        if (v2Hash != null && v2Hash.length != 32) {
            throw new IllegalArgumentException("v2 info-hash must be 32 bytes");
        }
        v2Hash = v2Hash == null ? null : v2Hash.clone();
        metainfo = metainfo == null ? null : metainfo.clone();
    }

    /** A torrent known without its metainfo file and without a v2 hash (magnet link, info-hash line). */
    public TorrentSpec(InfoHash infoHash, String name, List<List<String>> tiers, boolean isPrivate, int pieceCount,
            List<InetSocketAddress> peers, String source) {
        this(infoHash, name, tiers, isPrivate, pieceCount, peers, source, null, null);
    }

    @Override
    public byte[] v2Hash() {
        return v2Hash == null ? null : v2Hash.clone();
    }

    /** A copy of the .torrent file, or null when there is none. */
    @Override
    public byte[] metainfo() {
        return metainfo == null ? null : metainfo.clone();
    }
}
