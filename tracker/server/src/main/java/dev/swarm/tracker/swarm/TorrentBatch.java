package dev.swarm.tracker.swarm;

import java.util.Arrays;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * The keys and counts of one segment's swarms, copied under the segment's lock so that the lock is released
 * before anyone looks at them ({@link OffHeapSwarmStore#forEachTorrent}). Grows with the segment; a segment holds a
 * bounded number of entries, so this does too.
 */
final class TorrentBatch {
    private byte[] keys = new byte[64 * SwarmLayout.KEY_BYTES];
    private long[] counts = new long[64 * 3];
    private int size;

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    void add(RandomDataInput key, long keyOffset, long seeders, long leechers, long downloaded) {
        if (size * 3 == counts.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
            counts = Arrays.copyOf(counts, counts.length * 2);
        }
        key.read(keyOffset, keys, size * SwarmLayout.KEY_BYTES, SwarmLayout.KEY_BYTES);
        counts[size * 3] = seeders;
        counts[size * 3 + 1] = leechers;
        counts[size * 3 + 2] = downloaded;
        size++;
    }

    void key(int i, byte[] into) {
        System.arraycopy(keys, i * SwarmLayout.KEY_BYTES, into, 0, SwarmLayout.KEY_BYTES);
    }

    long seeders(int i) {
        return counts[i * 3];
    }

    long leechers(int i) {
        return counts[i * 3 + 1];
    }

    long downloaded(int i) {
        return counts[i * 3 + 2];
    }
}
