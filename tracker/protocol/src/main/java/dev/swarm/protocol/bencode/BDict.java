package dev.swarm.protocol.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A bencode dictionary ({@code d...e}): an immutable map from keys to values, iterated in key order.
 *
 * <p>Bencode keys are byte strings. Here a key is the {@code String} whose chars are the key's bytes
 * (ISO-8859-1 decoding, one char per byte, chars 0..255), so the natural order of these strings is the
 * unsigned byte order bencode requires, and {@link #entries()} iterates in that order. Build a key from
 * raw bytes with {@link #key(byte[])}.
 */
public final class BDict implements BValue {

    private static final BDict EMPTY = new BDict(new TreeMap<>());

    private final Map<String, BValue> entries;

    /** Wraps a map the caller hands over and no longer touches (the decoder). */
    BDict(TreeMap<String, BValue> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The empty dictionary. */
    public static BDict empty() {
        return EMPTY;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A dictionary with the given entries.
     *
     * @throws IllegalArgumentException if a key has a char above 0xff
     * @throws NullPointerException     if a key or value is null
     */
    public static BDict of(Map<String, ? extends BValue> entries) {
        Builder b = new Builder();
        entries.forEach(b::put);
        return b.build();
    }

    /** The key string for raw key bytes (ISO-8859-1). */
    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** The value for {@code key}, or null. */
    public BValue get(String key) {
        return entries.get(key);
    }

    /** Whether {@code key} is present. */
    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    /** The byte string for {@code key}; null if absent or not a string. Not a copy. */
    public byte[] bytes(String key) {
        return entries.get(key) instanceof BBytes b ? b.value() : null;
    }

    /** The byte string for {@code key} decoded as UTF-8; null if absent or not a string. */
    public String string(String key) {
        return entries.get(key) instanceof BBytes b ? b.asUtf8() : null;
    }

    /** The integer for {@code key}; null if absent or not an integer. */
    public Long integer(String key) {
        return entries.get(key) instanceof BInt i ? i.value() : null;
    }

    /** The dictionary for {@code key}; null if absent or not a dictionary. */
    public BDict dict(String key) {
        return entries.get(key) instanceof BDict d ? d : null;
    }

    /** The list for {@code key}; null if absent or not a list. */
    public BList list(String key) {
        return entries.get(key) instanceof BList l ? l : null;
    }

    /** The entries, unmodifiable, iterated in unsigned byte order of the keys. */
    public Map<String, BValue> entries() {
        return entries;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BDict other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "BDict" + entries;
    }

    /** Collects entries for a {@link BDict}; a later {@code put} of the same key replaces the earlier. */
    public static final class Builder {

        private TreeMap<String, BValue> entries = new TreeMap<>();

        private Builder() {
        }

        /**
         * Adds an entry.
         *
         * @throws IllegalArgumentException if the key has a char above 0xff (not a byte)
         */
        public Builder put(String key, BValue value) {
            Objects.requireNonNull(value, "value");
            for (int i = 0; i < key.length(); i++) {
                if (key.charAt(i) > 0xff) {
                    throw new IllegalArgumentException("bencode key chars must be bytes (0..255): " + key);
                }
            }
            entries.put(key, value);
            return this;
        }

        /** Adds an integer entry. */
        public Builder put(String key, long value) {
            return put(key, new BInt(value));
        }

        /** Adds a byte string entry (the array is not copied). */
        public Builder put(String key, byte[] value) {
            return put(key, new BBytes(value));
        }

        /** Adds a UTF-8 string entry. */
        public Builder put(String key, String value) {
            return put(key, BBytes.utf8(value));
        }

        /** The dictionary; the builder must not be used afterwards. */
        public BDict build() {
            TreeMap<String, BValue> done = entries;
            entries = null;
            return new BDict(done);
        }
    }
}
