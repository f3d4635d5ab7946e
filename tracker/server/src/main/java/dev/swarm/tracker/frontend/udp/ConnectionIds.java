package dev.swarm.tracker.frontend.udp;

import java.time.Duration;

/**
 * Stateless BEP 15 connection IDs.
 *
 * <p>Threat model: a connection ID proves that the sender received our answer at its claimed address, so an
 * attacker spoofing a victim's address cannot make us send announce replies (larger than the request) to the
 * victim. An ID is {@code issued (32-bit seconds) << 32 | mac}, where {@code mac} is the low 32 bits of
 * SipHash-2-4 under a secret key over (client IP address, issued). Nothing is stored per client. An off-path
 * attacker must guess 32 MAC bits per (address, second); forging is 1 in 2^32 per try, and floods of invalid IDs
 * are counted (and, with abuse limits, banned). IDs are accepted from their issue second until {@code lifetime}
 * has passed; IDs claiming a future issue time are rejected (a clock step back only shortens validity). The
 * comparison has no data-dependent branches before the final result (constant-time with respect to the MAC).
 * With a shared key (configured, or the cluster's key in Redis), several tracker nodes accept each other's IDs. The
 * keys come from {@link ConnectionIdKeys}: IDs are issued with the current key and accepted under the current or the
 * previous one, so a rotation does not invalidate IDs issued just before it.
 *
 * <p>Instances are not thread-safe (scratch buffer): one per UDP worker.
 */
final class ConnectionIds {
    private final ConnectionIdKeys keys;
    private final long lifetimeSeconds;
    private final byte[] scratch = new byte[16 + 4];
    private byte[][] seen;
    private SipHash current;
    private SipHash previous;

    ConnectionIds(byte[] key16, Duration lifetime) {
        this(new ConnectionIdKeys(key16), lifetime);
    }

    ConnectionIds(ConnectionIdKeys keys, Duration lifetime) {
        this.keys = keys;
        this.lifetimeSeconds = lifetime.toSeconds();
        refresh();
    }

    /** Rebuilds the MACs when the keys were replaced (one volatile read per call otherwise). */
    private void refresh() {
        byte[][] p = keys.pair();
        if (p != seen) {
            current = new SipHash(p[0]);
            previous = new SipHash(p[1]);
            seen = p;
        }
    }

    /** A new ID for a client at {@code address} (4 or 16 bytes) at time {@code nowMillis}. */
    long issue(byte[] address, long nowMillis) {
        refresh();
        long issued = (nowMillis / 1000) & 0xFFFF_FFFFL;
        return (issued << 32) | macOf(current, address, issued);
    }

    /** Whether {@code id} was issued by us to {@code address} and is still within its lifetime. */
    boolean isValid(long id, byte[] address, long nowMillis) {
        long issued = id >>> 32;
        long now = (nowMillis / 1000) & 0xFFFF_FFFFL;
        long age = now - issued;
        boolean timeOk = age >= 0 && age <= lifetimeSeconds;
        refresh();
        long mac = id & 0xFFFF_FFFFL;
        long diffCurrent = mac ^ macOf(current, address, issued);
        long diffPrevious = mac ^ macOf(previous, address, issued);
        return timeOk & (diffCurrent == 0 | diffPrevious == 0);
    }

    private long macOf(SipHash mac, byte[] address, long issued) {
        int n = address.length;
        System.arraycopy(address, 0, scratch, 0, n);
        scratch[n] = (byte) (issued >>> 24);
        scratch[n + 1] = (byte) (issued >>> 16);
        scratch[n + 2] = (byte) (issued >>> 8);
        scratch[n + 3] = (byte) issued;
        return mac.hash(scratch, 0, n + 4) & 0xFFFF_FFFFL;
    }
}
