package dev.kongjava.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * MessagePack values to and from the Java types the plugin server's codec uses (nil → null, int →
 * Long, float → Double, str → String, bin → byte[], array → List, map → Map), on msgpack-core
 * directly: the server's codec is internal to plugin-server, so the echo and the client do the same
 * decoding work with their own copy of it.
 */
final class Msgpack {
    private Msgpack() {}

    /** The next value, with every nested value decoded. */
    static Object read(MessageUnpacker in) throws IOException {
        return switch (in.getNextFormat().getValueType()) {
            case NIL -> {
                in.unpackNil();
                yield null;
            }
            case BOOLEAN -> in.unpackBoolean();
            case INTEGER -> in.unpackLong();
            case FLOAT -> in.unpackDouble();
            case STRING -> in.unpackString();
            case BINARY -> in.readPayload(in.unpackBinaryHeader());
            case ARRAY -> {
                int size = in.unpackArrayHeader();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(read(in));
                }
                yield list;
            }
            case MAP -> {
                int size = in.unpackMapHeader();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    map.put(read(in), read(in));
                }
                yield map;
            }
            case EXTENSION -> in.readPayload(in.unpackExtensionTypeHeader().getLength());
        };
    }

    /** Packs {@code value}: null, Boolean, an integral Number, Double/Float, String, byte[], List, Object[] or Map. */
    static void write(MessagePacker out, Object value) throws IOException {
        switch (value) {
            case null -> out.packNil();
            case Boolean b -> out.packBoolean(b);
            case Double d -> out.packDouble(d);
            case Float f -> out.packFloat(f);
            case Number n -> out.packLong(n.longValue());
            case String s -> out.packString(s);
            case byte[] bytes -> out.packBinaryHeader(bytes.length).writePayload(bytes);
            case List<?> list -> {
                out.packArrayHeader(list.size());
                for (Object item : list) {
                    write(out, item);
                }
            }
            case Object[] array -> write(out, Arrays.asList(array));
            case Map<?, ?> map -> {
                out.packMapHeader(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    write(out, e.getKey());
                    write(out, e.getValue());
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "no MessagePack form for " + value.getClass().getName());
        }
    }
}
