package dev.kongjava.pluginserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns Kong's {@code Config} JSON into {@link ConfigValues}, leniently where Kong's encoder is
 * loose (cjson writes {@code {}} for an empty array, {@code 10000.0}-style integers, {@code null} for
 * unset fields) and strictly on everything the schema states.
 */
final class ConfigParser {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String plugin;

    ConfigParser(String plugin) {
        this.plugin = plugin;
    }

    ConfigValues record(List<Field> fields, JsonNode object, String prefix) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            values.put(field.name, value(field, object.get(field.name), prefix + field.name));
        }
        return new ConfigValues(fields, values);
    }

    @Nullable
    Object value(Field field, @Nullable JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return missing(field, path);
        }
        return switch (field.type) {
            case STRING -> string(field, node, path);
            case INTEGER -> integer(field, node, path);
            case NUMBER -> number(field, node, path);
            case BOOLEAN -> {
                expect(node.isBoolean(), field, node, path, "expected a boolean");
                yield node.booleanValue();
            }
            case ARRAY, SET -> collection(field, node, path);
            case MAP -> map(field, node, path);
            case RECORD -> {
                expect(node.isObject(), field, node, path, "expected a record");
                yield record(field.fields, node, path + ".");
            }
        };
    }

    private @Nullable Object missing(Field field, String path) {
        if (field.defaultValue != null) {
            return value(field, JSON.valueToTree(field.defaultValue), path);
        }
        if (field.type == FieldType.RECORD && field.required) {
            // Kong expands a missing required record from its sub-field defaults; so do we.
            return record(field.fields, JsonNodeFactory.instance.objectNode(), path + ".");
        }
        if (field.required) {
            throw new ConfigException(plugin, path, "null", "required field missing");
        }
        return null;
    }

    // Validators run in Kong's order (Kong's validator order, 3.0 to 3.9), so the
    // first failure reported is the one Kong reports.

    private String string(Field field, JsonNode node, String path) {
        expect(node.isTextual(), field, node, path, "expected a string");
        String value = node.textValue();
        oneOf(field, node, path, value);
        check(!field.uuid || UUID.matcher(value).matches(), field, node, path, "expected a valid UUID");
        // Kong's len_min/len_max count a string's bytes (Lua's #), not its characters
        length(field, node, path, value.getBytes(StandardCharsets.UTF_8).length);
        String invalid = "invalid value: " + (field.secret ? ConfigValues.MASK : value);
        check(field.match == null || field.match.matches(value), field, node, path, invalid);
        check(
                field.matchAny == null || field.matchAny.stream().anyMatch(p -> p.matches(value)),
                field,
                node,
                path,
                invalid);
        return value;
    }

    private Long integer(Field field, JsonNode node, String path) {
        boolean integral = (node.isIntegralNumber() && node.canConvertToLong())
                || (node.isFloatingPointNumber()
                        && node.doubleValue() == Math.rint(node.doubleValue())
                        && Math.abs(node.doubleValue()) < 0x1p53);
        expect(integral, field, node, path, "expected an integer");
        long value = node.asLong();
        oneOf(field, node, path, value);
        range(field, node, path, (double) value);
        return value;
    }

    private Double number(Field field, JsonNode node, String path) {
        expect(node.isNumber(), field, node, path, "expected a number");
        double value = node.doubleValue();
        oneOf(field, node, path, value);
        range(field, node, path, value);
        return value;
    }

    private List<Object> collection(Field field, JsonNode node, String path) {
        // cjson encodes an empty Lua table as {}: accept it as the empty list.
        boolean emptyObject = node.isObject() && node.isEmpty();
        expect(
                node.isArray() || emptyObject,
                field,
                node,
                path,
                "expected " + (field.type == FieldType.SET ? "a set" : "an array"));
        List<Object> items = new ArrayList<>(node.size());
        Field elements = Objects.requireNonNull(field.elements, "an array has elements");
        int i = 0;
        for (JsonNode element : node) {
            i++;
            String at = path + "[" + i + "]";
            Object item = value(elements, element, at);
            if (item == null) { // a null element (cjson's null in a JSON array) is no value to hold
                throw new ConfigException(plugin, at, "null", "required field missing");
            }
            items.add(item);
        }
        if (field.type == FieldType.SET) {
            items = new ArrayList<>(new LinkedHashSet<>(items));
        }
        length(field, node, path, items.size());
        return List.copyOf(items);
    }

    private Map<String, Object> map(Field field, JsonNode node, String path) {
        boolean emptyArray = node.isArray() && node.isEmpty();
        expect(node.isObject() || emptyArray, field, node, path, "expected a map");
        Map<String, Object> map = new LinkedHashMap<>();
        Field keys = Objects.requireNonNull(field.keys, "a map has keys");
        Field values = Objects.requireNonNull(field.values, "a map has values");
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = (String) value(keys, JsonNodeFactory.instance.textNode(entry.getKey()), path);
            map.put(key, value(values, entry.getValue(), path + "." + entry.getKey()));
        }
        length(field, node, path, map.size());
        return map;
    }

    /** Kong's not_one_of, then one_of. */
    private void oneOf(Field field, JsonNode node, String path, Object value) {
        check(
                field.notOneOf == null || !contains(field.notOneOf, value),
                field,
                node,
                path,
                "must not be one of: " + (field.notOneOf == null ? "" : join(field.notOneOf)));
        check(
                field.oneOf == null || contains(field.oneOf, value),
                field,
                node,
                path,
                "expected one of: " + (field.oneOf == null ? "" : join(field.oneOf)));
    }

    private static boolean contains(List<Object> values, Object value) {
        for (Object allowed : values) {
            if (allowed.equals(value)
                    || (allowed instanceof Number n
                            && value instanceof Number v
                            && n.doubleValue() == v.doubleValue())) {
                return true;
            }
        }
        return false;
    }

    /** Kong's gt, then between. */
    private void range(Field field, JsonNode node, String path, double value) {
        check(
                field.gt == null || value > field.gt.doubleValue(),
                field,
                node,
                path,
                "value must be greater than " + field.gt);
        check(
                field.betweenMin == null
                        || field.betweenMax == null
                        || (value >= field.betweenMin.doubleValue() && value <= field.betweenMax.doubleValue()),
                field,
                node,
                path,
                "value should be between " + field.betweenMin + " and " + field.betweenMax);
    }

    private void length(Field field, JsonNode node, String path, int length) {
        check(
                field.lenMin == null || length >= field.lenMin,
                field,
                node,
                path,
                "length must be at least " + field.lenMin);
        check(
                field.lenMax == null || length <= field.lenMax,
                field,
                node,
                path,
                "length must be at most " + field.lenMax);
    }

    /** A failed type check: Kong's own text, whatever {@code err} says. */
    private void expect(boolean ok, Field field, JsonNode node, String path, String rule) {
        if (!ok) {
            fail(field, node, path, rule);
        }
    }

    /** A failed validator: the field's {@code err} replaces the validator's text, as in Kong. */
    private void check(boolean ok, Field field, JsonNode node, String path, String rule) {
        if (!ok) {
            fail(field, node, path, field.err != null ? field.err : rule);
        }
    }

    private void fail(Field field, JsonNode node, String path, String rule) {
        throw new ConfigException(plugin, path, show(field, node), rule);
    }

    static String show(Field field, JsonNode node) {
        if (field.secret) {
            return ConfigValues.MASK;
        }
        return node.toString(); // ConfigException cuts it for the message
    }

    static String join(List<?> values) {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }
}
