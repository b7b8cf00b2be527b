package dev.kongjava.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * Kong's side of the MessagePack mapping (lua-MessagePack as Kong uses it): Lua strings are str,
 * raw bodies are bin, tables are maps or arrays. Built on msgpack-java's Value API on purpose, so it
 * shares no code with the server under test.
 */
public final class WireValues {
    private WireValues() {}

    /** Marks a value to be sent as MessagePack bin (Kong's fix_raw for raw bodies). */
    public record Bin(byte[] bytes) {}

    /** Java → Value: String → str, Bin/byte[] → bin, Map → map, List → array, numbers, booleans, null → nil. */
    public static Value toValue(Object o) {
        if (o == null) {
            return ValueFactory.newNil();
        }
        if (o instanceof Value v) {
            return v;
        }
        if (o instanceof String s) {
            return ValueFactory.newString(s.getBytes(StandardCharsets.UTF_8));
        }
        if (o instanceof Bin b) {
            return ValueFactory.newBinary(b.bytes());
        }
        if (o instanceof byte[] b) {
            return ValueFactory.newBinary(b);
        }
        if (o instanceof Boolean b) {
            return ValueFactory.newBoolean(b);
        }
        if (o instanceof Double || o instanceof Float) {
            return ValueFactory.newFloat(((Number) o).doubleValue());
        }
        if (o instanceof Number n) {
            return ValueFactory.newInteger(n.longValue());
        }
        if (o instanceof Map<?, ?> m) {
            Map<Value, Value> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(toValue(String.valueOf(k)), toValue(v)));
            return ValueFactory.newMap(out);
        }
        if (o instanceof Collection<?> c) {
            List<Value> out = new ArrayList<>();
            c.forEach(v -> out.add(toValue(v)));
            return ValueFactory.newArray(out);
        }
        throw new IllegalArgumentException("no MessagePack mapping for " + o.getClass());
    }

    /** Value → Java: str → String, bin → byte[], int → Long, float → Double, map → Map, array → List. */
    public static Object fromValue(Value v) {
        switch (v.getValueType()) {
            case NIL:
                return null;
            case BOOLEAN:
                return v.asBooleanValue().getBoolean();
            case INTEGER:
                return v.asIntegerValue().toLong();
            case FLOAT:
                return v.asFloatValue().toDouble();
            case STRING:
                return new String(v.asStringValue().asByteArray(), StandardCharsets.UTF_8);
            case BINARY:
                return v.asBinaryValue().asByteArray();
            case ARRAY:
                ArrayValue array = v.asArrayValue();
                List<Object> list = new ArrayList<>(array.size());
                array.forEach(e -> list.add(fromValue(e)));
                return list;
            case MAP:
                MapValue map = v.asMapValue();
                Map<String, Object> out = new LinkedHashMap<>();
                map.map().forEach((k, val) -> out.put(String.valueOf(fromValue(k)), fromValue(val)));
                return out;
            default:
                return null;
        }
    }
}
