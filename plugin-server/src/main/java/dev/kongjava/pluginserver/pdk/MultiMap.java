package dev.kongjava.pluginserver.pdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered multimap of names to string values, as Kong returns headers and query
 * arguments ({@code StepMultiMap}: name → array of strings; a bare {@code ?flag} has no values).
 * Header maps ignore case, as HTTP does; query maps keep Kong's exact names, because
 * {@code ?Id=1&id=2} are two different arguments to Kong.
 */
public final class MultiMap {
    private final Map<String, List<String>> entries;
    private final boolean ignoreCase;

    private MultiMap(Map<String, List<String>> entries, boolean ignoreCase) {
        this.entries = entries;
        this.ignoreCase = ignoreCase;
    }

    /** An empty map; {@code ignoreCase} for headers. */
    public static MultiMap empty(boolean ignoreCase) {
        return new MultiMap(Map.of(), ignoreCase);
    }

    /**
     * Builds a map from Kong's decoded data: each value a list of strings or a single value
     * (Kong 2.x and some functions do not wrap single values). Non-string values are rendered as text.
     */
    public static MultiMap fromKong(@Nullable Object data, boolean ignoreCase) {
        if (!(data instanceof Map<?, ?> map)) {
            return empty(ignoreCase);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = ignoreCase
                    ? e.getKey().toString().toLowerCase(Locale.ROOT)
                    : e.getKey().toString();
            List<String> values = out.computeIfAbsent(name, k -> new ArrayList<>(1));
            if (e.getValue() instanceof List<?> list) {
                // a nil inside the array (cjson.null, ngx.null) is no value, as a hole in a Lua sequence
                list.stream().filter(v -> v != null).forEach(v -> values.add(Values.text(v)));
            } else if (e.getValue() != null && !Boolean.TRUE.equals(e.getValue())) {
                values.add(Values.text(e.getValue()));
            }
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return new MultiMap(Collections.unmodifiableMap(out), ignoreCase);
    }

    /** The first value of {@code name}, or {@code null} if absent or valueless. */
    public @Nullable String first(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** All values of {@code name} in order; empty if absent. */
    public List<String> all(String name) {
        List<String> values = entries.get(key(name));
        return values == null ? List.of() : values;
    }

    /** True when {@code name} is present, even without a value. */
    public boolean contains(String name) {
        return entries.containsKey(key(name));
    }

    /** Names in Kong's order (lower-case for header maps). */
    public Set<String> names() {
        return entries.keySet();
    }

    public int size() {
        return entries.size();
    }

    /** The underlying name → values view. */
    public Map<String, List<String>> asMap() {
        return entries;
    }

    private String key(String name) {
        return ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
