package dev.swarm.protocol.bencode;

import java.util.List;

/** A bencode list ({@code l...e}); the list is an immutable copy without nulls. */
public record BList(List<BValue> items) implements BValue {

    /** @throws NullPointerException if {@code items} or an item is null */
    public BList {
        items = List.copyOf(items);
    }

    /** A list of the given values. */
    public static BList of(BValue... items) {
        return new BList(List.of(items));
    }

    /** The number of items. */
    public int size() {
        return items.size();
    }

    /** The item at {@code index}. */
    public BValue get(int index) {
        return items.get(index);
    }
}
