package dev.kongjava.pluginserver;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Values of the kinds MsgpackCodec produces (what Kong's data looks like in Java), drawn from fuzz input. */
public final class FuzzValues {
    private FuzzValues() {}

    /** null, Boolean, Long, Double, String, byte[], List or Map with String keys, nested up to {@code depth}. */
    public static Object value(FuzzedDataProvider data, int depth) {
        int kind = data.consumeInt(0, depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> null;
            case 1 -> data.consumeBoolean();
            case 2 -> data.consumeLong();
            case 3 -> data.consumeDouble();
            case 4 -> data.consumeString(32);
            case 5 -> data.consumeBytes(32);
            case 6 -> list(data, depth - 1);
            default -> map(data, depth - 1);
        };
    }

    /** Usually a plausible int32 id, sometimes any integer or another type. */
    public static Object id(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> (long) data.consumeInt(0, Integer.MAX_VALUE);
            case 1 -> data.consumeLong();
            case 2 -> (long) data.consumeInt(0, 8);
            default -> value(data, 1);
        };
    }

    private static List<Object> list(FuzzedDataProvider data, int depth) {
        List<Object> list = new ArrayList<>();
        int size = data.consumeInt(0, 4);
        for (int i = 0; i < size; i++) {
            list.add(value(data, depth));
        }
        return list;
    }

    private static Map<String, Object> map(FuzzedDataProvider data, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = data.consumeInt(0, 4);
        for (int i = 0; i < size; i++) {
            map.put(data.consumeString(12), value(data, depth));
        }
        return map;
    }
}
