package dev.swarm.protocol.bencode;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import dev.swarm.protocol.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static dev.swarm.protocol.TestBytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input for the bencode decoder: every case is a drop with a message naming the problem and offset. */
class BencodeDecodeTest {

    private static ProtocolException rejected(String input, BencodeLimits limits) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Bencode.decode(ascii(input), limits),
                input);
        assertFalse(e.replyable());
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                 | unexpected end of input at offset 0",
        "i                  | unexpected end of input at offset 1",
        "i12                | unexpected end of input at offset 3",
        "ie                 | integer at offset 1 has no digits",
        "i-e                | integer at offset 1 has no digits",
        "i1-2e              | unexpected byte 0x2d at offset 2",
        "i9223372036854775808e | does not fit in 64 bits",
        "i-9223372036854775809e | does not fit in 64 bits",
        "i99999999999999999999999e | does not fit in 64 bits",
        "4:spa              | string at offset 0 declares 4 bytes but only 3 remain",
        "999999:x           | declares 999999 bytes but only 1 remain",
        "99999999999999999999:x | longer than the limit",
        "-1:x               | unexpected byte 0x2d at offset 0",
        "4spam              | unexpected byte 0x73 at offset 1",
        "l                  | unexpected end of input at offset 1",
        "l4:spam            | unexpected end of input at offset 7",
        "d                  | unexpected end of input at offset 1",
        "d3:cow             | unexpected end of input at offset 6",
        "di1ei2ee           | unexpected byte 0x69 at offset 1, expected dictionary key",
        "x                  | unexpected byte 0x78 at offset 0",
        "e                  | unexpected byte 0x65 at offset 0",
        "i1ei2e             | trailing data at offset 3",
        "4:spamx            | trailing data at offset 6",
    })
    void malformedInputIsDropped(String input, String message) {
        ProtocolException e = rejected(input, BencodeLimits.DEFAULT);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("bencode: "), e.getMessage());
        rejected(input, BencodeLimits.LENIENT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "i03e               | has a leading zero",
        "i-03e              | has a leading zero",
        "i00e               | has a leading zero",
        "i-0e               | is -0",
        "04:spam            | string length at offset 0 has a leading zero",
        "d1:bi1e1:ai2ee     | dictionary key at offset 7 is not in ascending order",
        "d1:ai1e1:ai2ee     | dictionary key at offset 7 is a duplicate",
        "d2:abi1e1:ai2ee    | is not in ascending order",
    })
    void nonCanonicalInputIsRejectedWhenStrictAndReadWhenLenient(String input, String message)
            throws ProtocolException {
        ProtocolException e = rejected(input, BencodeLimits.DEFAULT);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        Bencode.decode(ascii(input), BencodeLimits.LENIENT);
    }

    @Test
    void lenientValuesAndDuplicates() throws ProtocolException {
        assertEquals(new BInt(3), Bencode.decode(ascii("i003e"), BencodeLimits.LENIENT));
        assertEquals(new BInt(0), Bencode.decode(ascii("i-0e"), BencodeLimits.LENIENT));
        BDict d = (BDict) Bencode.decode(ascii("d1:bi1e1:ai2e1:bi3ee"), BencodeLimits.LENIENT);
        assertEquals(3L, d.integer("b"), "the last duplicate wins");
        assertEquals("[a, b]", d.entries().keySet().toString(), "entries are sorted whatever the input order");
    }

    @Test
    void unsignedKeyOrderIsEnforced() throws ProtocolException {
        // 0x7f then 0x80: ascending as unsigned bytes (descending as signed Java bytes)
        byte[] ok = TestBytes.concat(ascii("d1:"), TestBytes.hex("7f"), ascii("i1e1:"), TestBytes.hex("80"),
                ascii("i2ee"));
        assertEquals(2, ((BDict) Bencode.decode(ok, BencodeLimits.DEFAULT)).size());
        byte[] bad = TestBytes.concat(ascii("d1:"), TestBytes.hex("80"), ascii("i1e1:"), TestBytes.hex("7f"),
                ascii("i2ee"));
        assertThrows(ProtocolException.class, () -> Bencode.decode(bad, BencodeLimits.DEFAULT));
    }

    @Test
    void depthLimit() throws ProtocolException {
        BencodeLimits limits = new BencodeLimits(3, 100, 100, true);
        Bencode.decode(ascii("llleee"), limits);
        Bencode.decode(ascii("d1:ad1:bd1:ci1eeee"), limits);
        rejected("d1:ad1:bd1:cd1:di1eeeee", limits);
        ProtocolException e = rejected("lllleeee", limits);
        assertTrue(e.getMessage().contains("nesting deeper than 3 at offset 3"), e.getMessage());
    }

    @Test
    void deepNestingAtTheCeilingDoesNotOverflowTheStack() {
        int depth = 100_000;
        byte[] b = new byte[2 * depth];
        Arrays.fill(b, 0, depth, (byte) 'l');
        Arrays.fill(b, depth, 2 * depth, (byte) 'e');
        BencodeLimits ceiling = new BencodeLimits(BencodeLimits.DEPTH_CEILING, 10, Integer.MAX_VALUE, true);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Bencode.decode(b, ceiling));
        assertTrue(e.getMessage().contains("nesting deeper than 1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BencodeLimits(1025, 1, 1, true));
    }

    @Test
    void stringLengthLimitIsCheckedBeforeAllocating() throws ProtocolException {
        BencodeLimits limits = new BencodeLimits(4, 3, 100, true);
        Bencode.decode(ascii("3:abc"), limits);
        ProtocolException e = rejected("4:abcd", limits);
        assertTrue(e.getMessage().contains("longer than the limit of 3 bytes"), e.getMessage());
        // a key counts as a string too
        rejected("d4:abcdi1ee", limits);
        // a huge declared length against a short input fails without allocating it
        rejected("2147483647:x", BencodeLimits.DEFAULT);
        rejected("2147483647:x", new BencodeLimits(4, Integer.MAX_VALUE, 100, true));
    }

    @Test
    void itemLimitCountsValuesAtEveryDepth() throws ProtocolException {
        BencodeLimits limits = new BencodeLimits(4, 100, 4, true);
        Bencode.decode(ascii("li1ei2ei3ee"), limits); // list + 3 ints = 4
        ProtocolException e = rejected("li1ei2ei3ei4ee", limits);
        assertTrue(e.getMessage().contains("more than 4 values"), e.getMessage());
        rejected("ld1:ai1eeli1eee", limits); // list, dict, int, list, int = 5
    }

    @Test
    void decodePrefixLeavesTrailingData() throws ProtocolException {
        // BEP 9 ut_metadata data message: bencoded dict, then the raw piece bytes
        byte[] msg = TestBytes.concat(ascii("d8:msg_typei1e5:piecei0e10:total_sizei3ee"), TestBytes.hex("010203"));
        BValue[] out = new BValue[1];
        int used = Bencode.decodePrefix(msg, 0, msg.length, BencodeLimits.DEFAULT, out);
        assertEquals(msg.length - 3, used);
        assertEquals(3L, ((BDict) out[0]).integer("total_size"));
    }

    @Test
    void offsetsAreRelativeToTheRegion() {
        byte[] b = ascii("xxxxi1-e");
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Bencode.decode(b, 4, 4, BencodeLimits.DEFAULT));
        assertTrue(e.getMessage().contains("at offset 2"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Bencode.decode(b, 4, 5, BencodeLimits.DEFAULT));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "d8:completei1e10:incompletei2e8:intervali1800e5:peers6:abcdefe",
        "d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1e10:downloadedi2e10:incompletei3eeee",
        "li-1ei0e0:l4:spamd1:ai1eeee",
    })
    void onlyProtocolExceptionForAnyPrefixCorruptionOrNoise(String valid) {
        for (BencodeLimits limits : new BencodeLimits[] {BencodeLimits.DEFAULT, BencodeLimits.LENIENT}) {
            int rejected = TestBytes.sweep(ascii(valid), 2000, 64, valid.hashCode(),
                    b -> Bencode.decode(b, limits));
            assertTrue(rejected > valid.length(), "the sweep must actually hit errors");
        }
    }

    @Test
    void randomStructuredNoiseOnlyGivesProtocolExceptions() {
        Random rnd = new Random(42);
        byte[] alphabet = ascii("ilde0123456789:-");
        for (int run = 0; run < 20_000; run++) {
            byte[] b = new byte[rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            try {
                BValue v = Bencode.decode(b, BencodeLimits.DEFAULT);
                assertArrayEquals(b, Bencode.encode(v),
                        "strictly decoded input is canonical: it re-encodes to itself");
            } catch (ProtocolException expected) {
                // rejection is fine; any other exception fails the test
            }
        }
    }

    @Test
    void writerRejectsUnbalancedEnd() {
        BencodeWriter w = new BencodeWriter(new ByteSink(16));
        w.list();
        assertEquals(1, w.depth());
        w.end();
        assertThrows(IllegalStateException.class, w::end);
    }
}
