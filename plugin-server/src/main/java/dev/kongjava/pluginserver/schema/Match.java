package dev.kongjava.pluginserver.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The validators of one side of a {@link EntityCheck#conditional} check: Kong's {@code if_match} /
 * {@code then_match}. Combine with {@link #and}, e.g.
 * {@code Match.required().and(Match.oneOf("SCRAM-SHA-256", "SCRAM-SHA-512"))}. Checked as Kong's
 * {@code Schema.validate_field} checks them: on {@code null} only {@code eq} and {@code required}
 * apply; otherwise eq, one_of, len_min in that order, the first failure wins.
 */
public final class Match {
    private final boolean required;
    private final @Nullable Object eq;
    private final @Nullable List<Object> oneOf;
    private final @Nullable Integer lenMin;

    private Match(boolean required, @Nullable Object eq, @Nullable List<Object> oneOf, @Nullable Integer lenMin) {
        this.required = required;
        this.eq = eq;
        this.oneOf = oneOf;
        this.lenMin = lenMin;
    }

    /** Kong {@code required = true}: the value is set (not null). */
    public static Match required() {
        return new Match(true, null, null, null);
    }

    /** Kong {@code eq}: the value equals {@code value} (a string, number or boolean). */
    public static Match eq(Object value) {
        return new Match(false, Objects.requireNonNull(value, "eq"), null, null);
    }

    /** Kong {@code one_of}. */
    public static Match oneOf(Object... values) {
        return new Match(false, null, List.of(values), null);
    }

    /** Kong {@code len_min}: a string's bytes or a collection's elements, at least {@code min}. */
    public static Match lenMin(int min) {
        return new Match(false, null, null, min);
    }

    /** Both sets of validators. */
    public Match and(Match other) {
        return new Match(
                required || other.required,
                other.eq != null ? other.eq : eq,
                other.oneOf != null ? other.oneOf : oneOf,
                other.lenMin != null ? other.lenMin : lenMin);
    }

    boolean isRequired() {
        return required;
    }

    /** Kong's message for the first validator {@code value} fails, or empty when it passes. */
    Optional<String> error(@Nullable Object value) {
        if (value == null) {
            return eq != null
                    ? Optional.of("value must be " + eq)
                    : required ? Optional.of("required field missing") : Optional.empty();
        }
        if (eq != null && !same(eq, value)) {
            return Optional.of("value must be " + eq);
        }
        if (oneOf != null && oneOf.stream().noneMatch(o -> same(o, value))) {
            return Optional.of("expected one of: " + ConfigParser.join(oneOf));
        }
        // Kong gives every string without len_min a len_min of 1
        int min = lenMin != null ? lenMin : value instanceof String ? 1 : 0;
        if (length(value) < min) {
            return Optional.of("length must be at least " + min);
        }
        return Optional.empty();
    }

    /** The Kong attributes that do not fit a field of {@code type}; empty when all fit. */
    List<String> misfits(FieldType type) {
        List<String> misfits = new ArrayList<>();
        if (oneOf != null && type != FieldType.STRING && !type.isNumeric()) {
            misfits.add("one_of");
        }
        if (lenMin != null && type != FieldType.STRING && !type.isCollection() && type != FieldType.MAP) {
            misfits.add("len_min");
        }
        Object sample = eq != null ? eq : oneOf != null && !oneOf.isEmpty() ? oneOf.get(0) : null;
        if (sample != null
                && !((type == FieldType.STRING && sample instanceof String)
                        || (type == FieldType.BOOLEAN && sample instanceof Boolean)
                        || (type.isNumeric() && sample instanceof Number))) {
            misfits.add("a " + sample.getClass().getSimpleName() + " value");
        }
        return misfits;
    }

    /** The JSON object of the dump, attributes spelled as Kong spells them. */
    Map<String, Object> toKong() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (required) {
            m.put("required", true);
        }
        if (eq != null) {
            m.put("eq", eq);
        }
        if (oneOf != null) {
            m.put("one_of", oneOf);
        }
        if (lenMin != null) {
            m.put("len_min", lenMin);
        }
        return m;
    }

    /** For the README: "set and one of A, B", "true", "not empty". */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (required) {
            parts.add("set");
        }
        if (eq != null) {
            parts.add(String.valueOf(eq));
        }
        if (oneOf != null) {
            parts.add("one of " + ConfigParser.join(oneOf));
        }
        if (lenMin != null) {
            parts.add(lenMin == 1 ? "not empty" : "at least " + lenMin + " long");
        }
        return String.join(" and ", parts);
    }

    private static boolean same(Object expected, Object value) {
        return expected.equals(value)
                || (expected instanceof Number n && value instanceof Number v && n.doubleValue() == v.doubleValue());
    }

    private static int length(Object value) {
        return switch (value) {
            case String s -> s.getBytes(StandardCharsets.UTF_8).length;
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            default -> Integer.MAX_VALUE;
        };
    }

    @Override
    public String toString() {
        return toKong().toString();
    }
}
