package dev.swarm.peerbridge.wire;

import static dev.swarm.peerbridge.wire.Bytes.ascii;
import static dev.swarm.peerbridge.wire.Bytes.concat;
import static dev.swarm.peerbridge.wire.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TexMessageTest {
    static final String T1 = "http://127.0.0.1:16881/announce";
    static final String T2 = "udp://127.0.0.1:16882/announce";

    /**
     * The full list as libtorrent 1.1.14 sent it: length 0x50 (80) | id 0x14 (20, extended, BEP 10) |
     * extended id 0x13 (19, lt_tex, BEP 28) | {added: [T2, T1]} (list order as kept, not sorted).
     */
    static final byte[] FULL_LIST = concat(hex("00000050 14 13"),
            ascii("d5:addedl30:udp://127.0.0.1:16882/announce31:http://127.0.0.1:16881/announceee"));

    /**
     * A later addition, sent only after the learned tracker answered an announce: length 0x2e (46) |
     * id 20 | extended id 19 | {added: [T2]}.
     */
    static final byte[] ADDITION = concat(hex("0000002e 14 13"), ascii("d5:addedl30:udp://127.0.0.1:16882/announceee"));

    @Test
    void decodesLibtorrentFullList() throws WireException {
        PeerMessage.Extended ext = (PeerMessage.Extended) new MessageCodec().read(ByteBuffer.wrap(FULL_LIST));
        assertEquals(19, ext.extendedId());
        assertEquals(List.of(T2, T1), TexMessage.decode(ext.payload()).added());
    }

    @Test
    void encodesTheSameBytesAsLibtorrent() {
        assertArrayEquals(FULL_LIST, MessageCodec.encode(new PeerMessage.Extended(19, new TexMessage(List.of(T2, T1)).encode())));
        assertArrayEquals(ADDITION, MessageCodec.encode(new PeerMessage.Extended(19, new TexMessage(List.of(T2)).encode())));
    }

    @Test
    void toleratesUnknownKeysAndBadEntries() throws WireException {
        // added.f (some clients), a non-string entry, a non-UTF-8 entry: all ignored
        TexMessage m = TexMessage.decode(concat(ascii("d5:addedl30:udp://127.0.0.1:16882/announcei5e2:"), hex("c328"),
                ascii("e7:added.f1:xe")));
        assertEquals(List.of(T2), m.added());
        assertEquals(List.of(), TexMessage.decode(ascii("de")).added());
        assertEquals(List.of(), TexMessage.decode(ascii("d5:addedi1ee")).added());
    }

    @Test
    void aBodyThatIsNotADictionaryIsAWireError() {
        for (String s : new String[] {"", "le", "l30:udp://127.0.0.1:16882/announcee", "i1e", "d5:added", "junk"}) {
            assertThrows(WireException.class, () -> TexMessage.decode(ascii(s)), s);
        }
        assertThrows(WireException.class, () -> TexMessage.decode(ascii("d5:addedl9999999:xee")));
    }

    @Test
    void everyPrefixAndMutationDecodesOrThrowsWireException() {
        byte[] body = java.util.Arrays.copyOfRange(FULL_LIST, 6, FULL_LIST.length);
        Random rnd = new Random(28);
        for (int n = 0; n <= body.length; n++) {
            for (int round = 0; round < 30; round++) {
                byte[] b = java.util.Arrays.copyOf(body, n);
                if (n > 0 && round > 0) {
                    b[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
                }
                try {
                    TexMessage.decode(b);
                } catch (WireException expected) {
                    // the only exception allowed
                }
            }
        }
    }

    @Property(tries = 200)
    void roundTrips(@ForAll @Size(max = 60) List<@StringLength(max = 80) String> urls) throws WireException {
        List<String> valid = urls.stream()
                .filter(u -> new String(u.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(u)).toList();
        assertEquals(valid, TexMessage.decode(new TexMessage(valid).encode()).added());
    }
}
