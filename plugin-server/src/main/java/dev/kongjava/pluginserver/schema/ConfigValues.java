package dev.kongjava.pluginserver.schema;

import dev.kongjava.pluginserver.internal.LogText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, validated plugin config: typed getters by field name or dotted path
 * ({@code "authentication.user"}). Records are nested {@code ConfigValues}; arrays and sets are
 * lists; maps are {@code Map<String, Object>}. Defaults are already applied. {@link #toString()}
 * masks secret fields, so the object is safe to log.
 */
public final class ConfigValues {
    /** Shown instead of a secret value. */
    public static final String MASK = "[hidden]";

    private final List<Field> fields;
    private final Map<String, Object> values;

    ConfigValues(List<Field> fields, Map<String, Object> values) {
        this.fields = fields;
        this.values = Collections.unmodifiableMap(values);
    }

    /** The value at a dotted path, or {@code null} when it (or a record on the way) is null. */
    public @Nullable Object get(String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            if (!values.containsKey(path) && fields.stream().noneMatch(f -> f.name.equals(path))) {
                throw new IllegalArgumentException("no config field " + path);
            }
            return values.get(path);
        }
        Object head = get(path.substring(0, dot));
        if (head == null) {
            return null;
        }
        if (!(head instanceof ConfigValues record)) {
            throw new IllegalArgumentException("config field " + path.substring(0, dot) + " is not a record");
        }
        return record.get(path.substring(dot + 1));
    }

    public @Nullable String string(String path) {
        return (String) get(path);
    }

    /** A boolean field; {@code null} counts as false. */
    public boolean bool(String path) {
        return Boolean.TRUE.equals(get(path));
    }

    /** An integer field that fits an {@code int} (declare {@code between} to guarantee it). */
    public @Nullable Integer integer(String path) {
        Long value = (Long) get(path);
        return value == null ? null : Math.toIntExact(value);
    }

    public @Nullable Long longValue(String path) {
        return (Long) get(path);
    }

    public @Nullable Double number(String path) {
        return (Double) get(path);
    }

    public @Nullable ConfigValues record(String path) {
        return (ConfigValues) get(path);
    }

    /** An array or set; empty when null. */
    public List<Object> list(String path) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) get(path);
        return list == null ? List.of() : list;
    }

    /** An array or set of strings; empty when null. */
    public List<String> strings(String path) {
        return list(path).stream().map(String.class::cast).toList();
    }

    /** An array or set of records; empty when null. */
    public List<ConfigValues> records(String path) {
        return list(path).stream().map(ConfigValues.class::cast).toList();
    }

    /** A map field; empty when null. */
    public Map<String, Object> map(String path) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) get(path);
        return map == null ? Map.of() : map;
    }

    /** Plain maps and lists, e.g. for JSON; secrets replaced by {@link #MASK} when {@code maskSecrets}. */
    public Map<String, Object> toMap(boolean maskSecrets) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field field : fields) {
            Object value = values.get(field.name);
            out.put(field.name, maskSecrets && field.secret && value != null ? MASK : plain(value, maskSecrets));
        }
        return out;
    }

    private static @Nullable Object plain(@Nullable Object value, boolean maskSecrets) {
        if (value instanceof ConfigValues record) {
            return record.toMap(maskSecrets);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(plain(v, maskSecrets)));
            return out;
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    /** The config with secrets masked. */
    @Override
    public String toString() {
        return capped(toMap(true)).toString();
    }

    /** For logs: every string cut to {@link LogText#MAX_QUOTED} characters, so no value makes a line long. */
    private static Object capped(Object value) {
        if (value instanceof String s) {
            return LogText.cap(s);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k instanceof String s ? LogText.cap(s) : k, capped(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.size() > LogText.MAX_ITEMS
                    ? List.of(
                            list.subList(0, LogText.MAX_ITEMS).stream()
                                    .map(ConfigValues::capped)
                                    .toList(),
                            "... (" + list.size() + " items)")
                    : list.stream().map(ConfigValues::capped).toList();
        }
        return value;
    }
}
