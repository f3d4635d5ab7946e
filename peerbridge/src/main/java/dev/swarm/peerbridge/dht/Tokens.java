package dev.swarm.peerbridge.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * BEP 5 tokens: the first 8 bytes of SHA-1(secret, requester IP). The secret is replaced every
 * {@code rotateMillis} (5 minutes as BEP 5 suggests) and a token made with the previous secret is still
 * accepted, so a token lives 5 to 10 minutes. Owned by one thread; time comes from the caller.
 */
final class Tokens {
    static final int LENGTH = 8;
    private final SecureRandom random = new SecureRandom();
    private final long rotateMillis;
    private byte[] current = new byte[20];
    private byte[] previous = new byte[20];
    private long rotatedAt;

    Tokens(long rotateMillis, long now) {
        this.rotateMillis = rotateMillis;
        random.nextBytes(current);
        random.nextBytes(previous);
        this.rotatedAt = now;
    }

    private void rotate(long now) {
        if (now - rotatedAt >= 2 * rotateMillis) {
            // two periods or more passed: no token issued before is valid any more
            random.nextBytes(previous);
            random.nextBytes(current);
            rotatedAt = now;
        } else if (now - rotatedAt >= rotateMillis) {
            previous = current;
            current = new byte[20];
            random.nextBytes(current);
            rotatedAt += rotateMillis;
        }
    }

    /** The token for {@code requester} now. */
    byte[] issue(InetAddress requester, long now) {
        rotate(now);
        return token(current, requester);
    }

    /** Whether {@code token} was issued to {@code requester} with the current or the previous secret. */
    boolean valid(byte[] token, InetAddress requester, long now) {
        rotate(now);
        return MessageDigest.isEqual(token, token(current, requester))
                || MessageDigest.isEqual(token, token(previous, requester));
    }

    private static byte[] token(byte[] secret, InetAddress ip) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(secret);
            sha1.update(ip.getAddress());
            return Arrays.copyOf(sha1.digest(), LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is always there", e);
        }
    }
}
