package dev.swarm.protocol.bencode;

import dev.swarm.protocol.ByteSink;
import dev.swarm.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.swarm.protocol.TestBytes.ascii;
import static dev.swarm.protocol.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden vectors for bencode as defined in BEP 3 ("bencoding"). */
class BencodeGoldenTest {

    private static BValue decode(String s) throws ProtocolException {
        return Bencode.decode(ascii(s), BencodeLimits.DEFAULT);
    }

    @Test
    void integers() throws ProtocolException {
        // BEP 3: 'i', base-ten digits with optional '-', 'e'
        assertEquals(new BInt(3), decode("i3e"));
        assertEquals(new BInt(-3), decode("i-3e"));
        assertEquals(new BInt(0), decode("i0e"));
        assertEquals(new BInt(Long.MAX_VALUE), decode("i9223372036854775807e"));
        assertEquals(new BInt(Long.MIN_VALUE), decode("i-9223372036854775808e"));
        assertArrayEquals(ascii("i-9223372036854775808e"), Bencode.encode(new BInt(Long.MIN_VALUE)));
    }

    @Test
    void strings() throws ProtocolException {
        // BEP 3: base-ten length, ':', the bytes
        assertEquals(BBytes.utf8("spam"), decode("4:spam"));
        assertEquals(new BBytes(new byte[0]), decode("0:"));
        byte[] binary = hex("31 3a ff 00"); // "1:" then the single byte 0xff; then a stray 0x00
        BValue[] out = new BValue[1];
        assertEquals(3, Bencode.decodePrefix(binary, 0, 4, BencodeLimits.DEFAULT, out));
        assertArrayEquals(hex("ff"), ((BBytes) out[0]).value());
        assertEquals("\u00ff", ((BBytes) out[0]).asLatin1());
        assertEquals("h\u00e9", BBytes.utf8("h\u00e9").asUtf8());
    }

    @Test
    void listsAndDictionaries() throws ProtocolException {
        // BEP 3: l<values>e ; d<key><value>...e with keys sorted as raw strings
        assertEquals(BList.of(BBytes.utf8("spam"), BBytes.utf8("eggs")), decode("l4:spam4:eggse"));
        BDict d = (BDict) decode("d3:cow3:moo4:spam4:eggse");
        assertEquals("moo", d.string("cow"));
        assertEquals("eggs", d.string("spam"));
        BDict nested = (BDict) decode("d4:spaml1:a1:bee");
        assertEquals(BList.of(BBytes.utf8("a"), BBytes.utf8("b")), nested.list("spam"));
        assertEquals(BDict.empty(), decode("de"));
        assertEquals(new BList(List.of()), decode("le"));
    }

    @Test
    void trackerResponseAsSeenOnTheWire() throws ProtocolException {
        // BEP 3 + BEP 23 announce response:
        // d 8:complete i1e  10:incomplete i2e  8:interval i1800e  5:peers 6:<7f000001 1ae1> e
        byte[] wire = concat(ascii("d8:completei1e10:incompletei2e8:intervali1800e5:peers6:"),
                hex("7f000001 1ae1"), ascii("e"));
        BDict d = (BDict) Bencode.decode(wire, BencodeLimits.DEFAULT);
        assertEquals(1L, d.integer("complete"));
        assertEquals(2L, d.integer("incomplete"));
        assertEquals(1800L, d.integer("interval"));
        assertArrayEquals(hex("7f000001 1ae1"), d.bytes("peers"));
        assertNull(d.bytes("interval"), "not a string");
        assertNull(d.integer("peers"), "not an integer");
        assertNull(d.dict("peers"));
        assertNull(d.list("peers"));
        assertNull(d.get("absent"));
        assertArrayEquals(wire, Bencode.encode(d), "re-encoding canonical input gives the same bytes");
    }

    @Test
    void encodeSortsKeysByUnsignedBytes() {
        Map<String, BValue> m = new LinkedHashMap<>();
        m.put("\u00ff", new BInt(1)); // key byte 0xff sorts last
        m.put("b", new BInt(2));
        m.put("a", new BInt(3));
        m.put("ab", new BInt(4)); // a prefix sorts before its extensions
        byte[] expected = concat(ascii("d1:ai3e2:abi4e1:bi2e1:"), hex("ff"), ascii("i1ee"));
        assertArrayEquals(expected, Bencode.encode(BDict.of(m)));
        ByteSink sink = new ByteSink(64);
        Bencode.encode(BDict.of(m), sink);
        assertArrayEquals(expected, sink.toByteArray());
    }

    @Test
    void builderPutsEveryKind() throws ProtocolException {
        BDict d = BDict.builder().put("i", 7).put("s", "text").put("b", hex("00ff")).put("l", BList.of())
                .put("d", BDict.empty()).build();
        assertEquals("d1:b2:" + "\u0000\u00ff" + "1:dde1:ii7e1:lle1:s4:texte",
                new String(Bencode.encode(d), StandardCharsets.ISO_8859_1));
        assertEquals(d, Bencode.decode(Bencode.encode(d), BencodeLimits.DEFAULT));
        assertEquals("d1:b2:", BDict.key(ascii("d1:b2:")));
    }

    @Test
    void keysMustBeBytesAndValuesPresent() {
        assertThrows(IllegalArgumentException.class, () -> BDict.builder().put("\u0100", 1));
        assertThrows(NullPointerException.class, () -> BDict.builder().put("k", (BValue) null));
        assertThrows(NullPointerException.class, () -> BList.of(new BInt(1), null));
        assertThrows(NullPointerException.class, () -> new BBytes(null));
    }

    @Test
    void writerMatchesTreeEncoder() {
        ByteSink sink = new ByteSink(128);
        new BencodeWriter(sink).dict()
                .key("a").integer(-5)
                .key("b").list().string("x").string(hex("0102"), 0, 2).string("\u00e9").end()
                .key("c").dict().end()
                .end();
        BDict expected = BDict.builder().put("a", -5)
                .put("b", BList.of(BBytes.utf8("x"), new BBytes(hex("0102")), BBytes.utf8("\u00e9")))
                .put("c", BDict.empty()).build();
        assertArrayEquals(Bencode.encode(expected), sink.toByteArray());
    }

    private static byte[] concat(byte[]... parts) {
        return dev.swarm.protocol.TestBytes.concat(parts);
    }
}
