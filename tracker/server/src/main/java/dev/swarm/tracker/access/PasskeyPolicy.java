package dev.swarm.tracker.access;

import dev.swarm.tracker.abuse.PasskeyGuessLimit;
import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.User;
import java.time.InstantSource;

/**
 * Private mode, first step: the announce must name the passkey of an enabled user. Sets {@link AnnounceContext#user}.
 * A missing, unknown or disabled passkey is refused with a reason that says which, and nothing else. Unknown passkeys
 * are counted per client address by the {@link PasskeyGuessLimit}, when one is configured; a limited address is
 * refused before its passkey is looked up.
 */
public final class PasskeyPolicy implements AnnouncePolicy {
    static final String MISSING = "this is a private tracker: announce to /announce/<your passkey>";
    /**
     * UDP without BEP 41 URL data: aria2c and Transmission 3.00 send none, whatever the URL says, so telling them to
     * put the passkey in the URL would repeat what they did; the HTTP announce URL works with every client.
     */
    static final String MISSING_UDP = "this is a private tracker and your client sent no passkey over UDP"
            + " (BEP 41 URL data): use the HTTP announce URL, http://<tracker>/announce/<your passkey>";
    static final String UNKNOWN = "unknown passkey";
    static final String DISABLED = "account disabled";

    private final Registry registry;
    private final PasskeyGuessLimit guesses;
    private final InstantSource clock;

    /** @param guesses the passkey-guess limit, or null for none */
    public PasskeyPolicy(Registry registry, PasskeyGuessLimit guesses, InstantSource clock) {
        this.registry = registry;
        this.guesses = guesses;
        this.clock = clock;
    }

    @Override
    public String check(AnnounceContext ctx) {
        String pk = Passkeys.from(ctx.transport, ctx.path);
        String failure = pk == null && ctx.transport == AnnounceContext.Transport.UDP && ctx.path.isEmpty()
                ? MISSING_UDP : limitedFailure(registry, guesses, pk, ctx.clientAddress, clock);
        if (failure == null) {
            ctx.user = registry.userByPasskey(pk);
        }
        return failure;
    }

    /** {@link #failure}, with the passkey-guess limit (null: none) applied for {@code clientAddress} (null: unknown). */
    static String limitedFailure(Registry registry, PasskeyGuessLimit guesses, String passkey, byte[] clientAddress,
                                 InstantSource clock) {
        if (guesses == null || passkey == null) {
            return failure(registry, passkey);
        }
        long now = clock.millis();
        if (!guesses.mayTry(clientAddress, now)) {
            return PasskeyGuessLimit.REFUSED;
        }
        String failure = failure(registry, passkey);
        if (UNKNOWN.equals(failure)) {
            guesses.unknown(clientAddress, now);
        }
        return failure;
    }

    /** Null if {@code passkey} belongs to an enabled user, otherwise the reason to refuse. */
    static String failure(Registry registry, String passkey) {
        if (passkey == null) {
            return MISSING;
        }
        User u = User.validPasskey(passkey) ? registry.userByPasskey(passkey) : null;
        if (u == null) {
            return UNKNOWN;
        }
        return u.enabled() ? null : DISABLED;
    }
}
