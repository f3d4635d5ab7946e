package dev.swarm.protocol.bencode;

import dev.swarm.protocol.ProtocolException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Round-trip properties: encode then decode gives the value back, and decoding is canonical. */
class BencodePropertiesTest {

    @Property(tries = 500)
    void encodeThenDecodeIsIdentity(@ForAll("values") BValue v) throws ProtocolException {
        byte[] encoded = Bencode.encode(v);
        assertEquals(v, Bencode.decode(encoded, BencodeLimits.DEFAULT));
        assertEquals(v, Bencode.decode(encoded, BencodeLimits.LENIENT));
    }

    @Property(tries = 500)
    void decodeThenEncodeIsIdentityForCanonicalInput(@ForAll("values") BValue v) throws ProtocolException {
        byte[] encoded = Bencode.encode(v);
        assertArrayEquals(encoded, Bencode.encode(Bencode.decode(encoded, BencodeLimits.DEFAULT)));
    }

    @Property(tries = 300)
    void prefixDecodingStopsAtTheValueEnd(@ForAll("values") BValue v, @ForAll byte[] tail) throws ProtocolException {
        byte[] encoded = Bencode.encode(v);
        byte[] withTail = Arrays.copyOf(encoded, encoded.length + tail.length);
        System.arraycopy(tail, 0, withTail, encoded.length, tail.length);
        BValue[] out = new BValue[1];
        assertEquals(encoded.length, Bencode.decodePrefix(withTail, 0, withTail.length, BencodeLimits.DEFAULT, out));
        assertEquals(v, out[0]);
    }

    @Provide
    Arbitrary<BValue> values() {
        return Arbitraries.recursive(this::leaves, inner -> Arbitraries.oneOf(inner,
                inner.list().ofMaxSize(4).map(BList::new),
                Arbitraries.maps(keys(), inner).ofMaxSize(4).map(BDict::of)), 0, 5);
    }

    private Arbitrary<BValue> leaves() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(BInt::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(BBytes::new));
    }

    private Arbitrary<String> keys() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(6);
    }
}
