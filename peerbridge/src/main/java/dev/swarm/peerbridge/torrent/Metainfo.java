package dev.swarm.peerbridge.torrent;

import dev.swarm.protocol.InfoHash;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.Bencode;
import dev.swarm.protocol.bencode.BencodeLimits;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a .torrent file (BEP 3 metainfo): the info-hash is the SHA-1 of the {@code info}
 * dictionary's bytes exactly as they appear in the file (not of a re-encoding), trackers come from
 * {@code announce-list} (BEP 12 tiers) or else {@code announce}, the private flag from
 * {@code info.private} (BEP 27), the piece count from {@code info.pieces}.
 */
public final class Metainfo {
    /** Bound on a .torrent file: 10 MiB holds the piece hashes of a ~10 TB torrent at 16 MiB pieces. */
    public static final int MAX_SIZE = 10 << 20;
    private static final BencodeLimits LIMITS = new BencodeLimits(64, MAX_SIZE, 2_000_000, false);

    private Metainfo() {
    }

    /** @throws TorrentInputException if the bytes are not a usable v1 metainfo file */
    public static TorrentSpec parse(byte[] file, String source) throws TorrentInputException {
        if (file.length > MAX_SIZE) {
            throw new TorrentInputException(source + ": larger than " + MAX_SIZE + " bytes");
        }
        if (file.length < 2 || file[0] != 'd') {
            throw new TorrentInputException(source + ": not a bencoded dictionary");
        }
        BDict top;
        int infoStart = -1;
        int infoLength = 0;
        try {
            BValue[] out = new BValue[1];
            int pos = 1;
            while (pos < file.length && file[pos] != 'e') {
                pos += Bencode.decodePrefix(file, pos, file.length - pos, LIMITS, out);
                String key = out[0] instanceof BBytes k ? k.asLatin1() : null;
                int valueLength = Bencode.decodePrefix(file, pos, file.length - pos, LIMITS, out);
                if ("info".equals(key)) {
                    infoStart = pos;
                    infoLength = valueLength;
                }
                pos += valueLength;
            }
            if (!(Bencode.decode(file, LIMITS) instanceof BDict d)) {
                throw new TorrentInputException(source + ": not a bencoded dictionary");
            }
            top = d;
        } catch (ProtocolException e) {
            throw new TorrentInputException(source + ": invalid bencode: " + e.getMessage(), e);
        }
        BDict info = top.dict("info");
        if (info == null || infoStart < 0) {
            throw new TorrentInputException(source + ": no info dictionary");
        }
        byte[] pieces = info.bytes("pieces");
        if (pieces == null || pieces.length % 20 != 0) {
            throw new TorrentInputException(source + ": info.pieces missing or not a multiple of 20 bytes"
                    + " (v2-only torrents are not supported)");
        }
        Long priv = info.integer("private");
        String name = info.string("name");
        return new TorrentSpec(InfoHash.of(sha1(file, infoStart, infoLength)), name == null ? "" : name, tiers(top),
                priv != null && priv == 1, pieces.length / 20, List.of(), source, null, file);
    }

    private static List<List<String>> tiers(BDict top) {
        List<List<String>> tiers = new ArrayList<>();
        BList list = top.list("announce-list");
        if (list != null) {
            for (BValue tier : list.items()) {
                if (tier instanceof BList t) {
                    List<String> urls = new ArrayList<>();
                    for (BValue u : t.items()) {
                        if (u instanceof BBytes b) {
                            urls.add(b.asUtf8());
                        }
                    }
                    if (!urls.isEmpty()) {
                        tiers.add(urls);
                    }
                }
            }
        }
        String announce = top.string("announce");
        if (tiers.isEmpty() && announce != null) {
            tiers.add(List.of(announce));
        }
        return tiers;
    }

    private static byte[] sha1(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
