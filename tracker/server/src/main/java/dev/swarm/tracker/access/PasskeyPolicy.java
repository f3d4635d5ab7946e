package dev.swarm.tracker.access;

import dev.swarm.tracker.logic.AnnounceContext;
import dev.swarm.tracker.logic.AnnouncePolicy;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.User;

/**
 * Private mode, first step: the announce must name the passkey of an enabled user. Sets {@link AnnounceContext#user}.
 * A missing, unknown or disabled passkey is refused with a reason that says which, and nothing else.
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

    public PasskeyPolicy(Registry registry) {
        this.registry = registry;
    }

    @Override
    public String check(AnnounceContext ctx) {
        String pk = Passkeys.from(ctx.transport, ctx.path);
        String failure = pk == null && ctx.transport == AnnounceContext.Transport.UDP && ctx.path.isEmpty()
                ? MISSING_UDP : failure(registry, pk);
        if (failure == null) {
            ctx.user = registry.userByPasskey(pk);
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
