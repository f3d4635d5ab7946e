package dev.swarm.tracker.swarm;

/**
 * The 2-byte metadata word stored after each compact peer, and the coarse clock behind it.
 *
 * <pre>
 * bit 15     seeder
 * bit 14     completed counted (a {@code completed} event of this peer was added to the downloads)
 * bits 0-13  second of the last announce, modulo 2^14 (4 h 33 min)
 * </pre>
 *
 * <p>A 14-bit stamp is decoded against the swarm's reference second (the time of its latest write,
 * kept in full in the swarm header): {@code age = ((ref - stamp) mod 2^14) + (now - ref)}. That is
 * exact as long as no stored peer is 2^14 s older than the reference. The store keeps a lower bound of
 * its peers' last-seen seconds in the swarm header and sweeps a swarm before writing to it when that
 * bound is 2^13 s old; after the sweep every peer is at most the timeout (&lt; 2^13 s, see
 * {@link SwarmStoreConfig#MAX_PEER_TIMEOUT_SECONDS}) old.
 */
final class PeerMeta {
    static final int SEEDER = 0x8000;
    static final int COUNTED = 0x4000;
    static final int STAMP_MASK = 0x3FFF;
    /** Period of the stamp in seconds. */
    static final int WRAP = STAMP_MASK + 1;

    private PeerMeta() {
    }

    /** Whole seconds since the epoch, as an unsigned 32-bit count (differences are taken with int arithmetic). */
    static int seconds(long nowMillis) {
        return (int) Math.floorDiv(nowMillis, 1000L);
    }

    static int of(boolean seeder, boolean counted, int nowSec) {
        return (seeder ? SEEDER : 0) | (counted ? COUNTED : 0) | (nowSec & STAMP_MASK);
    }

    static boolean seeder(int meta) {
        return (meta & SEEDER) != 0;
    }

    static boolean counted(int meta) {
        return (meta & COUNTED) != 0;
    }

    /** Age in seconds of a peer stamped {@code meta}, decoded against reference second {@code refSec}; never negative. */
    static int age(int meta, int refSec, int nowSec) {
        int age = ((refSec - meta) & STAMP_MASK) + (nowSec - refSec);
        return Math.max(age, 0);
    }

    static boolean expired(int meta, int refSec, int nowSec, int timeoutSec) {
        return age(meta, refSec, nowSec) > timeoutSec;
    }

    /** A swarm whose peers were all seen at {@code oldestSec} or later must be swept before a write at {@code nowSec}. */
    static boolean wrapDue(int oldestSec, int nowSec) {
        return nowSec - oldestSec >= WRAP / 2;
    }

    /** A swarm whose peers were all seen at {@code oldestSec} or later may hold expired peers at {@code nowSec}. */
    static boolean mayHoldExpired(int oldestSec, int nowSec, int timeoutSec) {
        return nowSec - oldestSec > timeoutSec;
    }
}
