package dev.swarm.tracker.swarm;

/**
 * Reusable, per-thread output of one announce: the peers to return, as consecutive compact records
 * of the requester's family (BEP 23 / BEP 7 layout, ready to copy into a reply), and the swarm's
 * counts after the update. Overwritten by every announce that uses it.
 */
public final class PeerSample {
    /**
     * Largest sample size. A UDP announce reply (BEP 15) fits at most (65,507 - 20) / 6 = 10,914 IPv4
     * peers; clients ask for 50 to 200. 10,000 bounds the buffer to 180 KB.
     */
    public static final int MAX_PEERS = 10_000;
    /** The store writes records with 8-byte stores; the last one may spill this far past its end. */
    static final int SLACK = 8;

    private final int maxPeers;
    private final byte[] peers;
    private Family family = Family.V4;
    private int count;
    private int seeders;
    private int leechers;
    private long downloaded;
    private Outcome outcome = Outcome.OK;
    private boolean created;

    /**
     * @param maxPeers the most peers one announce may return, 0..{@link #MAX_PEERS}
     * @throws IllegalArgumentException if out of range
     */
    public PeerSample(int maxPeers) {
        if (maxPeers < 0 || maxPeers > MAX_PEERS) {
            throw new IllegalArgumentException("maxPeers must be 0.." + MAX_PEERS + ", not " + maxPeers);
        }
        this.maxPeers = maxPeers;
        this.peers = new byte[maxPeers * Family.V6.recordLength() + SLACK];
    }

    /** The buffer holding {@link #count()} compact records in its first {@link #bytes()} bytes; the rest is garbage. */
    public byte[] peers() {
        return peers;
    }

    /** Number of peers in the sample. */
    public int count() {
        return count;
    }

    /** Length in bytes of the peers: {@code count() * family().recordLength()}. */
    public int bytes() {
        return count * family.recordLength();
    }

    /** Family of the records (the requester's). */
    public Family family() {
        return family;
    }

    /** Seeders in the requester's swarm (this family only), after the update. */
    public int seeders() {
        return seeders;
    }

    /** Leechers in the requester's swarm (this family only), after the update. */
    public int leechers() {
        return leechers;
    }

    /** Completed downloads counted in the requester's swarm (this family only). */
    public long downloaded() {
        return downloaded;
    }

    /** What the announce did. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether the announce created the swarm (it did not exist before). */
    public boolean created() {
        return created;
    }

    /** The capacity given at construction. */
    public int maxPeers() {
        return maxPeers;
    }

    void begin(Family f) {
        family = f;
        count = 0;
        seeders = 0;
        leechers = 0;
        downloaded = 0;
        outcome = Outcome.OK;
        created = false;
    }

    void markCreated() {
        created = true;
    }

    void finish(Outcome o, int seederCount, int leecherCount, long downloadedCount) {
        outcome = o;
        seeders = seederCount;
        leechers = leecherCount;
        downloaded = downloadedCount;
    }

    /** Raw buffer for the stores: records go at {@code count * recordLength}. */
    byte[] buffer() {
        return peers;
    }

    void count(int n) {
        count = n;
    }

    /** Appends one record copied from {@code src[off..off+recordLength)}. */
    void add(byte[] src, int off) {
        int len = family.recordLength();
        System.arraycopy(src, off, peers, count * len, len);
        count++;
    }
}
