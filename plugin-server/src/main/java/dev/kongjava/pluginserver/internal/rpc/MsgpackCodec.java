package dev.kongjava.pluginserver.internal.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
    /** Payloads are read in pieces of this size, so memory follows the bytes that actually arrived. */
    static final int CHUNK = 64 * 1024;
    /** What a refused message still keeps, so its answer can name the event and the request. */
    private static final int KEPT_WHEN_REFUSED = 8;

    private static final int KEPT_TEXT_WHEN_REFUSED = 256;
    /** Estimated heap bytes: a boxed number, a container, a list slot, a map entry, an object header. */
    private static final int SCALAR_COST = 16;

    private static final int CONTAINER_COST = 64;
    private static final int ELEMENT_COST = 16;
    private static final int ENTRY_COST = 48;
    private static final int PAYLOAD_COST = 32;

    private final long maxMessageBytes;
    private final InFlightBudget budget;

    /** A codec for tools and tests: messages up to {@code maxMessageBytes}, no server-wide budget. */
    public MsgpackCodec(long maxMessageBytes) {
        this(maxMessageBytes, InFlightBudget.unlimited());
    }

    /**
     * @param maxMessageBytes upper bound of one whole message; larger declared sizes fail fast
     * @param budget what every connection's requests may hold together until they are answered
     */
    public MsgpackCodec(long maxMessageBytes, InFlightBudget budget) {
        this.maxMessageBytes = maxMessageBytes;
        this.budget = budget;
    }

    /** The bookkeeping for a message starting at stream position {@code start}. */
    Frame frame(long start) {
        return new Frame(start, maxMessageBytes, budget);
    }

    /**
     * Reads one value outside any server budget (tools and tests). {@code frameStart} is
     * {@link MessageUnpacker#getTotalReadBytes()} at the start of the enclosing message, so the size
     * limit covers the whole message, not each part. A value over the decoded-size limit reads as null.
     */
    public @Nullable Object read(MessageUnpacker in, long frameStart) throws IOException {
        return read(in, new Frame(frameStart, maxMessageBytes, InFlightBudget.unlimited()));
    }

    /** Reads one value of the message {@code frame}; once the frame is refused, values are dropped. */
    @Nullable
    Object read(MessageUnpacker in, Frame frame) throws IOException {
        try {
            return read(in, frame, 0);
        } catch (MessagePackException e) {
            // msgpack-java reports bad bytes with unchecked exceptions; the stream is lost either way
            throw new MalformedMessageException("not MessagePack: " + e.getMessage());
        }
    }

    private @Nullable Object read(MessageUnpacker in, Frame frame, int depth) throws IOException {
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
                frame.take(SCALAR_COST, false);
                return format == MessageFormat.UINT64
                        ? toLongOrDouble(in.unpackBigInteger())
                        : (Object) in.unpackLong();
            case FLOAT:
                frame.take(SCALAR_COST, false);
                return in.unpackDouble();
            case STRING:
                byte[] text = readPayload(in, in.unpackRawStringHeader(), frame, depth);
                return text == null ? null : decodeText(text);
            case BINARY:
                return readPayload(in, in.unpackBinaryHeader(), frame, depth);
            case ARRAY:
                return readArray(in, frame, depth);
            case MAP:
                return readMap(in, frame, depth);
            case EXTENSION:
                int extension = in.unpackExtensionTypeHeader().getLength();
                checkSize(in, extension, frame);
                discard(in, extension);
                return null;
            default:
                throw new MalformedMessageException("invalid MessagePack type byte");
        }
    }

    private List<Object> readArray(MessageUnpacker in, Frame frame, int depth) throws IOException {
        int size = in.unpackArrayHeader();
        checkSize(in, size, frame); // each element takes at least one byte
        frame.take(CONTAINER_COST, false);
        List<Object> list = new ArrayList<>(Math.min(size, 64));
        for (int i = 0; i < size; i++) {
            Object value = read(in, frame, depth + 1);
            if (keep(frame, depth, list.size())) {
                frame.take(ELEMENT_COST, false);
                list.add(value);
            }
        }
        return list;
    }

    private Map<String, Object> readMap(MessageUnpacker in, Frame frame, int depth) throws IOException {
        int size = in.unpackMapHeader();
        checkSize(in, 2L * size, frame);
        frame.take(CONTAINER_COST, false);
        Map<String, Object> map = new LinkedHashMap<>(Math.min(size, 64) * 2);
        for (int i = 0; i < size; i++) {
            Object key = read(in, frame, depth + 1);
            Object value = read(in, frame, depth + 1);
            if (keep(frame, depth, map.size())) {
                frame.take(ENTRY_COST, false);
                String name = key instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(key);
                map.put(name, value);
            }
        }
        return map;
    }

    /**
     * A refused message keeps only the outline of its parameters (e.g. a Step's EventId), so the
     * refusal can still reach the right event; nothing it keeps can grow with the input.
     */
    private static boolean keep(Frame frame, int depth, int kept) {
        return !frame.refused() || (depth <= 1 && kept < KEPT_WHEN_REFUSED);
    }

    /**
     * A str or bin payload. Small ones are read at once; large ones in {@link #CHUNK}s into a buffer
     * that grows as bytes arrive, each growth taken from the budget first, so neither a declared
     * length nor a stalled sender decides what is allocated. Null when the message is (or becomes)
     * refused; the bytes are then read and dropped.
     */
    private byte @Nullable [] readPayload(MessageUnpacker in, int length, Frame frame, int depth) throws IOException {
        checkSize(in, length, frame);
        if (frame.refused()) {
            if (length <= KEPT_TEXT_WHEN_REFUSED && depth <= 2) {
                return in.readPayload(length);
            }
            discard(in, length);
            return null;
        }
        boolean large = length >= InFlightBudget.LARGE_PAYLOAD;
        if (!large) {
            if (!frame.take(PAYLOAD_COST + length, false)) {
                return readPayload(in, length, frame, depth);
            }
            return in.readPayload(length);
        }
        byte[] buffer = new byte[0];
        int filled = 0;
        while (filled < length) {
            if (filled == buffer.length) {
                int grown = (int) Math.min(length, Math.max(CHUNK, 2L * buffer.length));
                if (!frame.take(grown - buffer.length, true)) {
                    discard(in, length - filled);
                    return null;
                }
                buffer = Arrays.copyOf(buffer, grown);
            }
            int piece = Math.min(buffer.length - filled, CHUNK);
            in.readPayload(buffer, filled, piece);
            filled += piece;
        }
        return buffer;
    }

    /** Reads {@code length} bytes and keeps none of them. */
    private static void discard(MessageUnpacker in, int length) throws IOException {
        byte[] scratch = new byte[Math.min(length, CHUNK)];
        for (int left = length; left > 0; ) {
            int piece = Math.min(left, scratch.length);
            in.readPayload(scratch, 0, piece);
            left -= piece;
        }
    }

    /** Refuses a declared length (bytes or elements) that would take the message past the limit. */
    void checkSize(MessageUnpacker in, long declared, Frame frame) throws IOException {
        long used = in.getTotalReadBytes() - frame.start();
        if (declared < 0 || used + declared > frame.maxWireBytes()) {
            throw new MessageTooLargeException(used + Math.max(declared, 0), frame.maxWireBytes());
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
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return bytes;
        }
    }

    /** Writes one value; see the class comment for the mapping. */
    public void write(MessagePacker out, @Nullable Object value) throws IOException {
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
            default ->
                throw new IllegalArgumentException(
                        "cannot send a " + value.getClass().getName() + " over MessagePack");
        }
    }
}
