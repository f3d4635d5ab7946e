package dev.swarm.peerbridge.wire;

import dev.swarm.protocol.bencode.BBytes;
import dev.swarm.protocol.bencode.BDict;
import dev.swarm.protocol.bencode.BList;
import dev.swarm.protocol.bencode.BValue;
import dev.swarm.protocol.bencode.BencodeWriter;
import dev.swarm.protocol.ByteSink;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The BEP 28 {@code lt_tex} payload: {@code {added: [url, ...]}}. Encoding keeps the list order
 * (libtorrent does not sort it either). Decoding ignores unknown keys (some clients send
 * {@code added.f}), entries that are not byte strings and entries that are not UTF-8; a payload
 * that is not a dictionary is an error (libtorrent 1.1 disconnects).
 */
public record TexMessage(List<String> added) {

    public TexMessage {
        added = List.copyOf(added);
    }

    /** @throws WireException if the payload is not a bencoded dictionary */
    public static TexMessage decode(byte[] payload) throws WireException {
        BDict d = ExtensionPayloads.dict(payload, "lt_tex message");
        BList list = d.list("added");
        if (list == null) {
            return new TexMessage(List.of());
        }
        List<String> urls = new ArrayList<>(list.size());
        for (BValue v : list.items()) {
            if (v instanceof BBytes(byte[] raw)) {
                try {
                    urls.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString());
                } catch (CharacterCodingException e) {
                    continue;
                }
            }
        }
        return new TexMessage(urls);
    }

    /** The bencoded payload (without the extended id byte). */
    public byte[] encode() {
        ByteSink sink = new ByteSink(64, MessageCodec.DEFAULT_MAX_LENGTH);
        BencodeWriter w = new BencodeWriter(sink).dict().key("added").list();
        for (String url : added) {
            w.string(url.getBytes(StandardCharsets.UTF_8));
        }
        w.end().end();
        return sink.toByteArray();
    }
}
