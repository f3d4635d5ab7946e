package dev.swarm.tracker.registry;

import java.util.regex.Pattern;

/**
 * A registered user. Immutable; the registry replaces the whole record on every change.
 *
 * @param name        the stable identity (accounting is kept under it), chosen by the operator
 * @param passkey     the secret in the user's announce URLs: 32 lower-case hex characters, rotatable
 * @param enabled     false: every announce and scrape with the passkey is refused
 * @param mayDownload false: the user may only seed (announces with {@code left > 0} are refused)
 */
public record User(String name, String passkey, boolean enabled, boolean mayDownload) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PASSKEY = Pattern.compile("[0-9a-f]{32}");

    /**
     * Whether {@code name} is a valid user name: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, but not {@code .} or {@code ..}
     * (a name is a path segment of the admin API, where those two mean this and the parent directory).
     */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** Whether {@code text} has the form of a passkey (32 lower-case hex characters). */
    public static boolean validPasskey(String text) {
        return text != null && text.length() == 32 && PASSKEY.matcher(text).matches();
    }

    /** Never prints the passkey. */
    @Override
    public String toString() {
        return "User[name=" + name + ", enabled=" + enabled + ", mayDownload=" + mayDownload + "]";
    }
}
