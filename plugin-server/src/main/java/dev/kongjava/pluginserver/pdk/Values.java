package dev.kongjava.pluginserver.pdk;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Conversions from the codec's values to the types the typed PDK promises. */
final class Values {
    private Values() {}

    /** Text of a str (String), a non-UTF-8 str (bytes, decoded leniently) or a number. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return value.toString();
    }

    /** Raw bytes of a bin or str, unchanged; {@code null} stays {@code null}. */
    static byte[] bytes(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        return text(value).getBytes(StandardCharsets.UTF_8);
    }

    static Long integer(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    static boolean bool(Object value) {
        return Boolean.TRUE.equals(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }
}
