package dev.swarm.peerbridge.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the three kinds of torrent input into {@link TorrentSpec}s: a .torrent file, a magnet link,
 * or an info-hash with tracker URLs. In a watched directory: {@code *.torrent} files, and
 * {@code *.magnet} / {@code *.txt} files with one magnet link or {@code <info-hash> <url> ...}
 * line per line ({@code #} starts a comment).
 */
public final class TorrentInputs {
    /** Bound on a text file of torrent lines. */
    public static final int MAX_TEXT = 1 << 20;

    private TorrentInputs() {
    }

    /** Parses one line: a magnet link, or a 40-hex / 32-base32 info-hash followed by tracker URLs. */
    public static TorrentSpec line(String line, String source) throws TorrentInputException {
        String s = line.strip();
        if (s.regionMatches(true, 0, "magnet:", 0, 7)) {
            TorrentSpec m = MagnetLink.parse(s);
            return new TorrentSpec(m.infoHash(), m.name(), m.tiers(), false, -1, m.peers(), source, m.v2Hash(), null);
        }
        String[] parts = s.split("\\s+");
        return infoHash(parts[0], List.of(parts).subList(1, parts.length), source);
    }

    /** An info-hash (40 hex or 32 base32) with tracker URLs, all in one tier. */
    public static TorrentSpec infoHash(String hash, List<String> trackers, String source) throws TorrentInputException {
        return new TorrentSpec(MagnetLink.btih(hash), "", trackers.isEmpty() ? List.of() : List.of(trackers), false, -1,
                List.of(), source);
    }

    /** Reads a .torrent file. */
    public static TorrentSpec torrentFile(Path file) throws TorrentInputException {
        return Metainfo.parse(read(file, Metainfo.MAX_SIZE), file.toString());
    }

    /** Reads a watched-directory file of either kind; other file names give an empty list. */
    public static List<TorrentSpec> file(Path file, List<String> errors) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        List<TorrentSpec> out = new ArrayList<>();
        try {
            if (name.endsWith(".torrent")) {
                out.add(torrentFile(file));
            } else if (name.endsWith(".magnet") || name.endsWith(".txt")) {
                String text = new String(read(file, MAX_TEXT), java.nio.charset.StandardCharsets.UTF_8);
                int n = 0;
                for (String l : text.split("\n")) {
                    n++;
                    String s = l.strip();
                    if (s.isEmpty() || s.startsWith("#")) {
                        continue;
                    }
                    try {
                        out.add(line(s, file + ":" + n));
                    } catch (TorrentInputException e) {
                        errors.add(file + ":" + n + ": " + e.getMessage());
                    }
                }
            }
        } catch (TorrentInputException e) {
            errors.add(e.getMessage());
        }
        return out;
    }

    private static byte[] read(Path file, int max) throws TorrentInputException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new TorrentInputException(file + ": larger than " + max + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new TorrentInputException(file + ": " + e.getMessage(), e);
        }
    }
}
