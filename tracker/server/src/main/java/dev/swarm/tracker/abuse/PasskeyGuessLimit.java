package dev.swarm.tracker.abuse;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.metrics.Metrics;

/**
 * Private mode: limits passkey guessing, per client address. Each request naming an unknown passkey takes a token
 * of the address's bucket ({@code limits.unknown-passkey-burst}, refilled at
 * {@code limits.unknown-passkeys-per-minute}); while the bucket is empty every request from the address that names a
 * passkey is refused before the passkey is looked up, so a guesser learns nothing, not even whether a guess was right.
 * Honest clients name their one passkey and never take a token. State: {@link TokenBuckets}.
 */
public final class PasskeyGuessLimit {
    /** The failure reason while an address is limited. */
    public static final String REFUSED = "too many unknown passkeys from your address; try again later";

    private final TokenBuckets buckets;
    private final Metrics.Counter limited;
    private final Metrics.Counter unknown;

    public PasskeyGuessLimit(TrackerConfig.Limits cfg, Metrics metrics) {
        this.buckets = new TokenBuckets(cfg.trackedAddresses(), cfg.unknownPasskeysPerMinute(), cfg.unknownPasskeyBurst());
        this.limited = metrics.counter("abuse.passkey_guess_limited");
        this.unknown = metrics.counter("abuse.unknown_passkeys");
    }

    /**
     * Whether a request from {@code clientAddress} may have its passkey looked up now; counts a refusal. A null address
     * (none known) is never limited.
     */
    public boolean mayTry(byte[] clientAddress, long nowMillis) {
        if (clientAddress == null || buckets.has(clientAddress, nowMillis)) {
            return true;
        }
        limited.inc();
        return false;
    }

    /** A request from {@code clientAddress} named an unknown passkey. */
    public void unknown(byte[] clientAddress, long nowMillis) {
        unknown.inc();
        if (clientAddress != null) {
            buckets.charge(clientAddress, nowMillis);
        }
    }
}
