package dev.kongjava.pluginserver.internal.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Maps MessagePack values to plain Java values and back; the only class that knows msgpack-java.
 *
 * <table>
 *   <caption>Decoding</caption>
 *   <tr><th>MessagePack</th><th>Java</th></tr>
 *   <tr><td>nil</td><td>{@code null}</td></tr>
 *   <tr><td>boolean</td><td>{@link Boolean}</td></tr>
 *   <tr><td>int (any width)</td><td>{@link Long} (uint64 above Long.MAX_VALUE: {@link Double})</td></tr>
 *   <tr><td>float32/64</td><td>{@link Double}</td></tr>
 *   <tr><td>str</td><td>{@link String} when valid UTF-8, else the raw {@code byte[]}</td></tr>
 *   <tr><td>bin</td><td>{@code byte[]}</td></tr>
 *   <tr><td>array</td><td>{@link List}</td></tr>
 *   <tr><td>map</td><td>{@link Map} with {@link String} keys (other keys via {@code String.valueOf})</td></tr>
 *   <tr><td>ext</td><td>{@code null} (Lua's decoder drops them too)</td></tr>
 * </table>
 *
 * <p>Kong packs every Lua string as str, raw bodies included on 2.x, and headers need not be UTF-8.
 * Keeping invalid UTF-8 as bytes means a body survives unchanged while text fields still read as
 * strings (the PDK converts leniently where it expects text).
 *
 * <p>Encoding is the reverse: {@code String} → str, {@code byte[]} → bin, integral boxes → int,
 * {@code Float}/{@code Double} → float64, {@code Map} → map, {@code Collection}/{@code Object[]} →
 * array, {@code Enum} → its name as str.
 */
public final class MsgpackCodec {
    /** Deeper nesting than this is not something Kong produces; refuse it rather than recurse. */
    static final int MAX_DEPTH = 64;

    private final long maxMessageBytes;

    /** @param maxMessageBytes upper bound of one whole message; larger declared sizes fail fast. */
    public MsgpackCodec(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Reads one value. {@code frameStart} is {@link MessageUnpacker#getTotalReadBytes()} at the start
     * of the enclosing message, so the size limit covers the whole message, not each part.
     */
    public Object read(MessageUnpacker in, long frameStart) throws IOException {
        try {
            return read(in, frameStart, 0);
        } catch (MessagePackException e) {
            // msgpack-java reports bad bytes with unchecked exceptions; the stream is lost either way
            throw new MalformedMessageException("not MessagePack: " + e.getMessage());
        }
    }

    private Object read(MessageUnpacker in, long frameStart, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedMessageException("message nested deeper than " + MAX_DEPTH + " levels");
        }
        MessageFormat format = in.getNextFormat();
        if (format == MessageFormat.NEVER_USED) {
            throw new MalformedMessageException("not MessagePack: byte 0xc1 is never used");
        }
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return null;
            case BOOLEAN:
                return in.unpackBoolean();
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    return toLongOrDouble(in.unpackBigInteger());
                }
                return in.unpackLong();
            case FLOAT:
                return in.unpackDouble();
            case STRING:
                return decodeText(readPayload(in, in.unpackRawStringHeader(), frameStart));
            case BINARY:
                return readPayload(in, in.unpackBinaryHeader(), frameStart);
            case ARRAY:
                return readArray(in, frameStart, depth);
            case MAP:
                return readMap(in, frameStart, depth);
            case EXTENSION:
                readPayload(in, in.unpackExtensionTypeHeader().getLength(), frameStart);
                return null;
            default:
                throw new MalformedMessageException("invalid MessagePack type byte");
        }
    }

    private List<Object> readArray(MessageUnpacker in, long frameStart, int depth) throws IOException {
        int size = in.unpackArrayHeader();
        checkSize(in, size, frameStart); // each element takes at least one byte
        List<Object> list = new ArrayList<>(Math.min(size, 64));
        for (int i = 0; i < size; i++) {
            list.add(read(in, frameStart, depth + 1));
        }
        return list;
    }

    private Map<String, Object> readMap(MessageUnpacker in, long frameStart, int depth) throws IOException {
        int size = in.unpackMapHeader();
        checkSize(in, 2L * size, frameStart);
        Map<String, Object> map = new LinkedHashMap<>(Math.min(size, 64) * 2);
        for (int i = 0; i < size; i++) {
            Object key = read(in, frameStart, depth + 1);
            String name = key instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(key);
            map.put(name, read(in, frameStart, depth + 1));
        }
        return map;
    }

    private byte[] readPayload(MessageUnpacker in, int length, long frameStart) throws IOException {
        checkSize(in, length, frameStart);
        return in.readPayload(length);
    }

    /** Refuses a declared length (bytes or elements) that would take the message past the limit. */
    void checkSize(MessageUnpacker in, long declared, long frameStart) throws IOException {
        long used = in.getTotalReadBytes() - frameStart;
        if (declared < 0 || used + declared > maxMessageBytes) {
            throw new MessageTooLargeException(used + Math.max(declared, 0), maxMessageBytes);
        }
    }

    private static Object toLongOrDouble(java.math.BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : (Object) value.doubleValue();
    }

    /** Valid UTF-8 becomes a String; anything else stays bytes so nothing is lost. */
    static Object decodeText(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return bytes;
        }
    }

    /** Writes one value; see the class comment for the mapping. */
    public void write(MessagePacker out, Object value) throws IOException {
        switch (value) {
            case null -> out.packNil();
            case String s -> out.packString(s);
            case byte[] b -> {
                out.packBinaryHeader(b.length);
                out.writePayload(b);
            }
            case Boolean b -> out.packBoolean(b);
            case Long l -> out.packLong(l);
            case Integer i -> out.packInt(i);
            case Short s -> out.packShort(s);
            case Byte b -> out.packByte(b);
            case Double d -> out.packDouble(d);
            case Float f -> out.packDouble(f);
            case Map<?, ?> map -> {
                out.packMapHeader(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.packString(String.valueOf(e.getKey()));
                    write(out, e.getValue());
                }
            }
            case Collection<?> list -> {
                out.packArrayHeader(list.size());
                for (Object o : list) {
                    write(out, o);
                }
            }
            case Object[] array -> {
                out.packArrayHeader(array.length);
                for (Object o : array) {
                    write(out, o);
                }
            }
            case Enum<?> e -> out.packString(e.name());
            default -> throw new IllegalArgumentException(
                    "cannot send a " + value.getClass().getName() + " over MessagePack");
        }
    }
}
