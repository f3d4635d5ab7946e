package dev.swarm.tracker.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import org.junit.jupiter.api.Test;

/** {@link KeyData} must hash and compare exactly as Chronicle's default key data does. */
class SwarmKeyDataTest {

    /** Chronicle's defaults for {@link Data#hash} and {@link Data#equivalent}, over a plain bytes store. */
    private record DefaultData(BytesStore<?, ?> store) implements Data<byte[]> {
        @Override
        public RandomDataInput bytes() {
            return store;
        }

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public long size() {
            return 20;
        }

        @Override
        public byte[] get() {
            return store.toByteArray();
        }

        @Override
        public byte[] getUsing(byte[] using) {
            return get();
        }
    }

    @Test
    void hashesAndComparesLikeChroniclesDefault() {
        Random rnd = new Random(5);
        KeyData key = new KeyData();
        BytesStore<?, Void> stored = BytesStore.nativeStoreWithFixedCapacity(64);
        try {
            for (int i = 0; i < 1000; i++) {
                byte[] padded = new byte[27];
                rnd.nextBytes(padded);
                byte[] hash = java.util.Arrays.copyOfRange(padded, 7, 27);
                DefaultData reference = new DefaultData(BytesStore.wrap(hash));
                key.of(padded, 7);
                assertEquals(reference.hash(LongHashFunction.xx_r39()), key.hash(LongHashFunction.xx_r39()));
                stored.write(11, hash, 0, 20);
                assertTrue(key.equivalent(stored, 11));
                assertEquals(reference.equivalent(stored, 11), key.equivalent(stored, 11));
                stored.writeByte(11 + rnd.nextInt(20), (byte) ~stored.readByte(11));
                assertEquals(reference.equivalent(stored, 11), key.equivalent(stored, 11));
                assertArrayEquals(hash, key.get());
                assertTrue(Data.bytesEquivalent(key, reference));
            }
            key.of(new byte[20], 0);
            assertFalse(key.equivalent(stored, 11));
        } finally {
            stored.releaseLast();
            key.release();
        }
    }
}
