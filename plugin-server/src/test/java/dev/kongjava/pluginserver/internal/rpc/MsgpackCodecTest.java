package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

class MsgpackCodecTest {
    private final MsgpackCodec codec = new MsgpackCodec(1 << 20);

    private byte[] pack(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        codec.write(packer, value);
        packer.flush();
        return out.toByteArray();
    }

    private Object unpack(byte[] bytes) throws IOException {
        MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes);
        return codec.read(unpacker, 0);
    }

    @Test
    void plainValuesSurviveARoundTrip() throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "héllo");
        value.put("i", 42L);
        value.put("neg", -7L);
        value.put("f", 1.5);
        value.put("t", true);
        value.put("nil", null);
        value.put("list", List.of("a", 1L));
        value.put("map", Map.of("k", "v"));
        assertEquals(value, unpack(pack(value)));
    }

    @Test
    void bytesAreSentAsBinAndComeBackAsBytes() throws IOException {
        byte[] body = {0, (byte) 0xff, 10, 13};
        byte[] wire = pack(body);
        assertEquals((byte) 0xc4, wire[0], "bin8 header");
        assertArrayEquals(body, (byte[]) unpack(wire));
    }

    @Test
    void intsAndArraysOfJavaArePackedAsMessagePackIntsAndArrays() throws IOException {
        assertEquals(List.of(200L, "x"), unpack(pack(new Object[] {200, "x"})));
        assertEquals(List.of(1L), unpack(pack(List.of((short) 1))));
    }

    @Test
    void strThatIsNotUtf8StaysRawBytesSoBodiesFromKong2AreNotCorrupted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        byte[] raw = {(byte) 0xff, (byte) 0xfe, 'a'};
        packer.packRawStringHeader(raw.length);
        packer.writePayload(raw);
        packer.flush();
        assertArrayEquals(raw, (byte[]) unpack(out.toByteArray()));
    }

    @Test
    void strThatIsUtf8BecomesAString() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        byte[] raw = "grüße".getBytes(StandardCharsets.UTF_8);
        packer.packRawStringHeader(raw.length);
        packer.writePayload(raw);
        packer.flush();
        assertEquals("grüße", unpack(out.toByteArray()));
    }

    @Test
    void extensionValuesBecomeNullAsInLua() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        packer.packArrayHeader(2);
        packer.packExtensionTypeHeader((byte) 1, 3);
        packer.writePayload(new byte[] {1, 2, 3});
        packer.packString("after");
        packer.flush();
        assertEquals(java.util.Arrays.asList(null, "after"), unpack(out.toByteArray()));
    }

    @Test
    void aBinLongerThanTheLimitIsRefusedBeforeAllocating() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        packer.packBinaryHeader(100 * 1024 * 1024);
        packer.flush();
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> unpack(out.toByteArray()));
        assertEquals(
                "message of at least 104857605 bytes exceeds the limit of 1048576 bytes (--max-message-size)",
                e.getMessage());
    }

    @Test
    void anArrayHeaderClaimingMoreElementsThanBytesLeftIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        packer.packArrayHeader(Integer.MAX_VALUE);
        packer.flush();
        assertThrows(MessageTooLargeException.class, () -> unpack(out.toByteArray()));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        for (int i = 0; i < MsgpackCodec.MAX_DEPTH + 2; i++) {
            packer.packArrayHeader(1);
        }
        packer.packNil();
        packer.flush();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> unpack(out.toByteArray()));
        assertEquals("message nested deeper than 64 levels", e.getMessage());
    }

    @Test
    void theNeverUsedTypeByteIsAMalformedMessage() {
        MalformedMessageException e =
                assertThrows(MalformedMessageException.class, () -> unpack(new byte[] {(byte) 0xc1}));
        assertEquals("not MessagePack: byte 0xc1 is never used", e.getMessage());
    }

    @Test
    void unsupportedJavaTypesAreRejectedWithTheirClassName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pack(new Object()));
        assertEquals("cannot send a java.lang.Object over MessagePack", e.getMessage());
    }

    @Test
    void mapKeysThatAreNotStringsBecomeText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(out);
        packer.packMapHeader(1);
        packer.packInt(1);
        packer.packString("one");
        packer.flush();
        Object decoded = unpack(out.toByteArray());
        assertInstanceOf(Map.class, decoded);
        assertEquals(Map.of("1", "one"), decoded);
        assertNull(((Map<?, ?>) decoded).get(1));
        assertTrue(((Map<?, ?>) decoded).containsKey("1"));
    }
}
