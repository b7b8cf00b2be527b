package dev.kongjava.pluginserver.pdk;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Conversions from the codec's values to the types the typed PDK promises. */
final class Values {
    private Values() {}

    /** Text of a str (String), a non-UTF-8 str (bytes, decoded leniently) or a number. */
    static @Nullable String text(@Nullable Object value) {
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
    static byte @Nullable [] bytes(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        String text = text(value);
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static @Nullable Long integer(@Nullable Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    static @Nullable Double number(@Nullable Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    static boolean bool(@Nullable Object value) {
        return Boolean.TRUE.equals(value);
    }

    @SuppressWarnings("unchecked")
    static @Nullable Map<String, Object> map(@Nullable Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }
}
