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
 * each), no object per torrent; sorting adds two {@code int[]} of indices, so a listing holds about 40 bytes per
 * torrent at most, and never more than {@code capacity} torrents. The sort is a stable merge sort of the indices
 * (O(n log n) whatever the hashes, so chosen ones cannot slow it down). A torrent added twice (a store walk that is
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
        int[] idx = new int[added];
        for (int i = 0; i < added; i++) {
            idx[i] = i;
        }
        int[] sorted = mergeSort(idx, new int[added]);
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

    /** Stable bottom-up merge sort of {@code a} by info-hash; returns whichever of the two arrays holds the result. */
    private int[] mergeSort(int[] a, int[] b) {
        int n = a.length;
        for (int lo = 0; lo < n; lo += RUN) {
            int hi = Math.min(n, lo + RUN);
            for (int i = lo + 1; i < hi; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= lo && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
        }
        int[] from = a;
        int[] to = b;
        for (int width = RUN; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    to[k++] = compare(from[i], from[j]) <= 0 ? from[i++] : from[j++];
                }
                while (i < mid) {
                    to[k++] = from[i++];
                }
                while (j < hi) {
                    to[k++] = from[j++];
                }
            }
            int[] t = from;
            from = to;
            to = t;
        }
        return from;
    }
}
