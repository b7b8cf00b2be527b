package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.pluginserver.server.Main;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Kong itself checks before our server sees a config: every key is a field of the plugin's
 * Kong schema (the one in the dump) and every value has the field's type. Admin API form values
 * ({@code config.x=y}) are strings that Kong converts by the field's type, as done here.
 */
final class KongSchemaCheck {
    private static final Pattern SEGMENT = Pattern.compile("([a-z_0-9]+)(?:\\[(\\d*)])?");

    private final Map<String, Object> config;
    private final List<String> problems = new ArrayList<>();

    KongSchemaCheck() {
        this.config = fieldsOf(dumpedSchema()).get("config");
    }

    /** The plugin's {@code Schema} in the {@code --dump} Kong reads. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> dumpedSchema() {
        try {
            Map<String, Object> dump =
                    new ObjectMapper().readValue(Main.dump(KafkaUpstreamPlugin.definition()), Map.class);
            return (Map<String, Object>)
                    ((List<Map<String, Object>>) dump.get("Plugins")).get(0).get("Schema");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> problems() {
        return problems;
    }

    /** A declarative (kong.yml) config: values already typed. */
    Map<String, Object> typed(Map<String, Object> value) {
        return asMap(check(value, config, "config", false));
    }

    /** An Admin API call's {@code config.*} form fields, nested and converted to the schema's types. */
    Map<String, Object> fromForm(List<String> data) {
        Map<String, Object> nested = new LinkedHashMap<>();
        for (String field : data) {
            int eq = field.indexOf('=');
            String key = field.substring(0, eq);
            if (key.startsWith("config.")) {
                put(nested, key.substring("config.".length()).split("\\."), 0, field.substring(eq + 1), key);
            }
        }
        return asMap(check(listify(nested), config, "config", true));
    }

    /** Dotted paths of every leaf key given, e.g. {@code authentication.user}; lists of records count once. */
    static List<String> leafPaths(Map<String, Object> config, String prefix) {
        List<String> paths = new ArrayList<>();
        config.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> m) {
                paths.addAll(leafPaths(asMap(m), path));
            } else {
                paths.add(path);
            }
        });
        return paths;
    }

    private void put(Map<String, Object> into, String[] segments, int i, String value, String key) {
        Matcher m = SEGMENT.matcher(segments[i]);
        if (!m.matches()) {
            problems.add(key + ": cannot read segment '" + segments[i] + "'");
            return;
        }
        boolean last = i == segments.length - 1;
        if (m.group(2) == null) {
            if (last) {
                into.put(m.group(1), value);
            } else {
                put(
                        asMap(into.computeIfAbsent(m.group(1), k -> new LinkedHashMap<String, Object>())),
                        segments,
                        i + 1,
                        value,
                        key);
            }
            return;
        }
        // name[n] (Kong: 1-based position) or name[] (append): kept by position, turned into a list later.
        Map<String, Object> positions =
                asMap(into.computeIfAbsent(m.group(1) + "[]", k -> new TreeMap<String, Object>()));
        String position = m.group(2).isEmpty()
                ? String.format("%09d", positions.size() + 1)
                : String.format("%09d", Integer.parseInt(m.group(2)));
        if (last) {
            positions.put(position, value);
        } else {
            put(
                    asMap(positions.computeIfAbsent(position, k -> new LinkedHashMap<String, Object>())),
                    segments,
                    i + 1,
                    value,
                    key);
        }
    }

    private static Object listify(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.endsWith("[]")) {
                out.put(
                        key.substring(0, key.length() - 2),
                        asMap(v).values().stream().map(KongSchemaCheck::listify).toList());
            } else {
                out.put(key, listify(v));
            }
        });
        return out;
    }

    private Object check(Object value, Map<String, Object> field, String path, boolean form) {
        if (value == null) {
            return null; // Kong: null unsets a field; required-ness is the schema parse's business
        }
        String type = String.valueOf(field.get("type"));
        return switch (type) {
            case "record" -> record(value, field, path, form);
            case "array", "set" -> list(value, field, path, form);
            case "map" -> map(value, field, path, form);
            case "string" -> value instanceof String ? value : wrong(path, type, value);
            case "integer" -> integer(value, path, form);
            case "number" ->
                form && value instanceof String s
                        ? parse(s, path, type)
                        : value instanceof Number ? value : wrong(path, type, value);
            case "boolean" ->
                form && ("true".equals(value) || "false".equals(value))
                        ? Boolean.valueOf((String) value)
                        : value instanceof Boolean ? value : wrong(path, type, value);
            default -> wrong(path, type, value);
        };
    }

    private Object record(Object value, Map<String, Object> field, String path, boolean form) {
        if (!(value instanceof Map<?, ?> given)) {
            return wrong(path, "record", value);
        }
        Map<String, Map<String, Object>> fields = fieldsOf(field);
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            Map<String, Object> sub = fields.get(String.valueOf(k));
            if (sub == null) {
                problems.add(path + "." + k + ": unknown field");
            } else {
                out.put(String.valueOf(k), check(v, sub, path + "." + k, form));
            }
        });
        return out;
    }

    private Object list(Object value, Map<String, Object> field, String path, boolean form) {
        if (!(value instanceof List<?> given)) {
            return wrong(path, String.valueOf(field.get("type")), value);
        }
        Map<String, Object> elements = asMap(field.get("elements"));
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            out.add(check(given.get(i), elements, path + "[" + (i + 1) + "]", form));
        }
        return out;
    }

    private Object map(Object value, Map<String, Object> field, String path, boolean form) {
        if (!(value instanceof Map<?, ?> given)) {
            return wrong(path, "map", value);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((k, v) -> out.put(String.valueOf(k), check(v, asMap(field.get("values")), path + "." + k, form)));
        return out;
    }

    private Object integer(Object value, String path, boolean form) {
        if (form && value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return wrong(path, "integer", value);
            }
        }
        return value instanceof Integer || value instanceof Long ? value : wrong(path, "integer", value);
    }

    private Object parse(String s, String path, String type) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return wrong(path, type, s);
        }
    }

    private Object wrong(String path, String type, Object value) {
        problems.add(path + ": expected " + type + ", got " + value.getClass().getSimpleName() + " " + value);
        return value;
    }

    /** The {@code fields} list of a Kong record, as name to field definition. */
    private static Map<String, Map<String, Object>> fieldsOf(Map<String, Object> record) {
        Map<String, Map<String, Object>> fields = new LinkedHashMap<>();
        for (Object entry : (List<?>) record.get("fields")) {
            asMap(entry).forEach((name, definition) -> fields.put(name, asMap(definition)));
        }
        return fields;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
