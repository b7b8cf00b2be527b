package dev.kongjava.pluginserver.schema;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns validated config values into the plugin's config record, component by component (the
 * types {@link RecordFields} maps). The values were checked against the fields made from the same
 * record, so a conversion cannot fail on a type.
 */
final class RecordBinder {
    private RecordBinder() {}

    static <R> R bind(Class<R> type, ConfigValues values) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = convert(values.get(RecordFields.name(components[i])), components[i].getGenericType());
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            // the record's own checks in its compact constructor
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException(type.getSimpleName(), String.valueOf(cause.getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName() + ": " + e, e);
        }
    }

    private static @Nullable Object convert(@Nullable Object value, Type type) {
        Class<?> raw = RecordFields.raw(type);
        if (value == null) {
            return raw == boolean.class ? Boolean.FALSE : null;
        }
        if (raw == int.class || raw == Integer.class) {
            return Math.toIntExact((Long) value);
        }
        if (raw.isEnum()) {
            return enumConstant(raw, (String) value);
        }
        if (raw == List.class || raw == Set.class) {
            Type element = RecordFields.arguments(type)[0];
            List<Object> items = new ArrayList<>();
            ((List<?>) value).forEach(v -> items.add(convert(v, element)));
            return raw == List.class
                    ? Collections.unmodifiableList(items)
                    : Collections.unmodifiableSet(new LinkedHashSet<>(items));
        }
        if (raw == Map.class) {
            Type element = RecordFields.arguments(type)[1];
            Map<String, Object> entries = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> entries.put((String) k, convert(v, element)));
            return Collections.unmodifiableMap(entries);
        }
        if (raw.isRecord()) {
            return bind(raw, (ConfigValues) value);
        }
        return value; // String, Boolean, Long, Double as parsed
    }

    private static Object enumConstant(Class<?> type, String value) {
        for (Object constant : type.getEnumConstants()) {
            if (RecordFields.enumValue((Enum<?>) constant).equals(value)) {
                return constant;
            }
        }
        throw new IllegalStateException(value + " is no constant of " + type.getName());
    }
}
