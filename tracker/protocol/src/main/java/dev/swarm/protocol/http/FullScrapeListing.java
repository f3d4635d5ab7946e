package dev.swarm.protocol.http;

import dev.swarm.protocol.ByteSink;
import java.util.Arrays;

/**
 * The torrents of one full scrape, put in the order bencode requires of the {@code files} keys (ascending unsigned
 * bytes of the info-hash), so that a strict decoder reads the answer. A server {@link #add}s the torrents as it
 * walks its store, {@link #sort}s once, then {@link #write}s them one by one between {@link FullScrapeResponse#begin}
 * and {@link FullScrapeResponse#end}, sending the answer in chunks as it goes.
 *
 * <p>Compact: the info-hashes sit in one {@code byte[]} (20 bytes each) and the counts in one {@code int[]} (three
 * each), no object per torrent; sorting adds a {@code long[]} of keys and an {@code int[]} of indices, so a listing
 * holds at most about 44 bytes per torrent, and never more than {@code capacity} torrents. The sort is a primitive
 * sort of (4-byte hash prefix, index) longs, then a stable merge sort by the whole hash of each run sharing a prefix:
 * O(n log n) whatever the hashes, so chosen ones cannot slow it down. A torrent added twice (a store walk that is
 * not a snapshot can meet one twice) is listed once, with the counts it was added with first: a dictionary has no
 * duplicate keys. Counts above {@link Integer#MAX_VALUE} are written as that value.
 */
public final class FullScrapeListing {
    private static final int HASH = 20;
    /** Runs this short are insertion-sorted before merging. */
    private static final int RUN = 16;
    /** The most torrents one listing can hold (its info-hashes fill one array). */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / HASH;

    private final int capacity;
    private byte[] hashes;
    /** complete, downloaded, incomplete per torrent. */
    private int[] counts;
    private int added;
    /** Indices in key order, duplicates left out; null until {@link #sort}. */
    private int[] order;
    private int listed;

    /** @param capacity most torrents this listing takes */
    public FullScrapeListing(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be between 0 and " + MAX_CAPACITY + ", got " + capacity);
        }
        this.capacity = capacity;
        int initial = Math.min(capacity, 1024);
        this.hashes = new byte[initial * HASH];
        this.counts = new int[initial * 3];
    }

    /**
     * Adds a torrent, before {@link #sort}.
     *
     * @param infoHash 20 bytes, copied
     * @return false if the listing is full (the torrent was not added)
     */
    public boolean add(byte[] infoHash, long complete, long downloaded, long incomplete) {
        if (order != null) {
            throw new IllegalStateException("the listing is sorted already");
        }
        if (infoHash.length != HASH) {
            throw new IllegalArgumentException("an info-hash is 20 bytes, not " + infoHash.length);
        }
        if (added == capacity) {
            return false;
        }
        if (added * 3 == counts.length) {
            int grown = (int) Math.min(capacity, Math.max(16L, 2L * added));
            hashes = Arrays.copyOf(hashes, grown * HASH);
            counts = Arrays.copyOf(counts, grown * 3);
        }
        System.arraycopy(infoHash, 0, hashes, added * HASH, HASH);
        counts[added * 3] = saturated(complete);
        counts[added * 3 + 1] = saturated(downloaded);
        counts[added * 3 + 2] = saturated(incomplete);
        added++;
        return true;
    }

    /** Torrents added (duplicates included). */
    public int added() {
        return added;
    }

    /**
     * Puts the torrents in ascending unsigned byte order of their info-hashes and drops repeated ones. Once only;
     * no {@link #add} after it.
     *
     * @return the torrents to {@link #write}
     */
    public int sort() {
        if (order != null) {
            throw new IllegalStateException("the listing is sorted already");
        }
        int[] sorted = sortedIndices();
        int n = 0;
        for (int i = 0; i < added; i++) {
            if (n == 0 || compare(sorted[n - 1], sorted[i]) != 0) {
                sorted[n++] = sorted[i];
            }
        }
        order = sorted;
        listed = n;
        return n;
    }

    /** Writes the {@code i}-th torrent in key order with {@link FullScrapeResponse#file}; after {@link #sort}. */
    public void write(int i, ByteSink out) {
        if (order == null) {
            throw new IllegalStateException("sort the listing first");
        }
        if (i < 0 || i >= listed) {
            throw new IndexOutOfBoundsException("torrent " + i + " of " + listed);
        }
        int t = order[i];
        FullScrapeResponse.file(out, hashes, t * HASH, counts[t * 3], counts[t * 3 + 1], counts[t * 3 + 2]);
    }

    private static int saturated(long v) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, v));
    }

    private int compare(int a, int b) {
        return Arrays.compareUnsigned(hashes, a * HASH, a * HASH + HASH, hashes, b * HASH, b * HASH + HASH);
    }

    /** The first 4 bytes of torrent {@code t}'s hash, as an int whose signed order is their unsigned order. */
    private int prefix(int t) {
        int o = t * HASH;
        return ((hashes[o] & 0xff) << 24 | (hashes[o + 1] & 0xff) << 16 | (hashes[o + 2] & 0xff) << 8
                | (hashes[o + 3] & 0xff)) ^ Integer.MIN_VALUE;
    }

    /**
     * The torrents' indices in hash order, equal hashes in the order they were added. A primitive sort of
     * (4-byte prefix, index) pairs packed in longs does most of the work; runs that share a prefix (rare, unless the
     * hashes were chosen) are then sorted by the whole hash with a stable merge sort.
     */
    private int[] sortedIndices() {
        int n = added;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) prefix(i) << 32 | i;
        }
        Arrays.sort(keys);
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = (int) keys[i];
        }
        keys = null;
        int[] tmp = null;
        for (int lo = 0; lo < n; ) {
            int p = prefix(sorted[lo]);
            int hi = lo + 1;
            while (hi < n && prefix(sorted[hi]) == p) {
                hi++;
            }
            if (hi - lo > 1) {
                if (tmp == null || tmp.length < hi - lo) {
                    tmp = new int[Math.max(hi - lo, RUN)];
                }
                mergeSort(sorted, lo, hi, tmp);
            }
            lo = hi;
        }
        return sorted;
    }

    /** Stable merge sort of {@code a[lo, hi)} by the whole info-hash; {@code tmp} holds at least {@code hi - lo}. */
    private void mergeSort(int[] a, int lo, int hi, int[] tmp) {
        for (int r = lo; r < hi; r += RUN) {
            int end = Math.min(hi, r + RUN);
            for (int i = r + 1; i < end; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= r && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
        }
        for (int width = RUN; width < hi - lo; width *= 2) {
            for (int left = lo; left < hi - width; left += 2 * width) {
                int mid = left + width;
                int right = Math.min(hi, mid + width);
                if (compare(a[mid - 1], a[mid]) <= 0) {
                    continue; // already in order
                }
                System.arraycopy(a, left, tmp, 0, mid - left);
                int i = 0;
                int iEnd = mid - left;
                int j = mid;
                int k = left;
                while (i < iEnd && j < right) {
                    a[k++] = compare(tmp[i], a[j]) <= 0 ? tmp[i++] : a[j++];
                }
                while (i < iEnd) {
                    a[k++] = tmp[i++];
                }
            }
        }
    }
}
