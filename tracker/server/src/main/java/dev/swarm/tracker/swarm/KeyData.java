package dev.swarm.tracker.swarm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.Data;

/**
 * A request's 20-byte info-hash as Chronicle key data, read in place from the caller's array: the hash,
 * the comparison with stored keys and the copy into a new entry work on the array directly, so a query
 * neither copies the key nor wraps it in Chronicle {@code Bytes} (reference counting included). The hash
 * is Chronicle's own function (xxHash64 r39) over the same bytes, computed unrolled for 20 bytes, so keys
 * inserted through it are found by any other path and survive recovery; {@code SwarmKeyDataTest} checks
 * both against Chronicle's defaults. Reusable per thread; not thread-safe.
 */
final class KeyData implements Data<byte[]> {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The function Chronicle hashes keys with (a singleton); its primes, from xxHash64 (r39). */
    private static final LongHashFunction XX = LongHashFunction.xx_r39();
    private static final long P1 = -7046029288634856825L;
    private static final long P2 = -4417276706812531889L;
    private static final long P3 = 1609587929392839161L;
    private static final long P4 = -8796714831421723037L;
    private static final long P5 = 2870177450012600261L;

    /** Off-heap copy for {@link #bytes()}, filled only if Chronicle asks for it. */
    private final BytesStore<?, Void> copy = BytesStore.nativeStoreWithFixedCapacity(SwarmLayout.KEY_BYTES);
    private byte[] array;
    private int off;
    private boolean copied;

    /** Points at {@code array[off..off+20)}; the array must not change while the query runs. */
    KeyData of(byte[] src, int offset) {
        array = src;
        off = offset;
        copied = false;
        return this;
    }

    @Override
    public RandomDataInput bytes() {
        if (!copied) {
            copy.write(0, array, off, SwarmLayout.KEY_BYTES);
            copied = true;
        }
        return copy;
    }

    @Override
    public long offset() {
        return 0;
    }

    @Override
    public long size() {
        return SwarmLayout.KEY_BYTES;
    }

    @Override
    public long hash(LongHashFunction f) {
        return f == XX ? xxHash20() : f.hashBytes(array, off, SwarmLayout.KEY_BYTES);
    }

    /** xxHash64 with seed 0 of the 20 key bytes, unrolled: two 8-byte lanes, one 4-byte tail, avalanche. */
    private long xxHash20() {
        long h = P5 + SwarmLayout.KEY_BYTES;
        h = lane(h, (long) LONG.get(array, off));
        h = lane(h, (long) LONG.get(array, off + 8));
        h ^= ((int) INT.get(array, off + 16) & 0xFFFFFFFFL) * P1;
        h = Long.rotateLeft(h, 23) * P2 + P3;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ h >>> 32;
    }

    private static long lane(long h, long k) {
        long k1 = Long.rotateLeft(k * P2, 31) * P1;
        return Long.rotateLeft(h ^ k1, 27) * P1 + P4;
    }

    @Override
    public boolean equivalent(RandomDataInput source, long sourceOffset) {
        return source.readLong(sourceOffset) == (long) LONG.get(array, off)
                && source.readLong(sourceOffset + 8) == (long) LONG.get(array, off + 8)
                && source.readInt(sourceOffset + 16) == (int) INT.get(array, off + 16);
    }

    @Override
    public void writeTo(RandomDataOutput target, long targetOffset) {
        target.write(targetOffset, array, off, SwarmLayout.KEY_BYTES);
    }

    @Override
    public byte[] get() {
        return Arrays.copyOfRange(array, off, off + SwarmLayout.KEY_BYTES);
    }

    @Override
    public byte[] getUsing(byte[] using) {
        byte[] out = using != null && using.length == SwarmLayout.KEY_BYTES ? using : new byte[SwarmLayout.KEY_BYTES];
        System.arraycopy(array, off, out, 0, SwarmLayout.KEY_BYTES);
        return out;
    }

    void release() {
        copy.releaseLast();
    }
}
