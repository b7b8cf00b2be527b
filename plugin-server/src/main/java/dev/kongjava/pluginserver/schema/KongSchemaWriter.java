package dev.kongjava.pluginserver.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the plugin sub-schema Kong validates with its MetaSubSchema (docs/protocol.md §2.2).
 * Only attributes every Kong 3.x metaschema accepts are written; an unknown one stops Kong.
 */
final class KongSchemaWriter {
    private KongSchemaWriter() {}

    static Map<String, Object> subSchema(
            String plugin, List<String> protocols, List<Field> fields, List<EntityCheck> checks) {
        List<Object> top = new ArrayList<>();
        if (!protocols.isEmpty()) {
            Map<String, Object> elements = new LinkedHashMap<>();
            elements.put("type", "string");
            elements.put("one_of", protocols);
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("type", "set");
            set.put("required", true);
            set.put("default", protocols);
            set.put("elements", elements);
            top.add(Map.of("protocols", set));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("type", "record");
        config.put("fields", fieldList(fields));
        top.add(Map.of("config", config));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("name", plugin);
        schema.put("fields", top);
        if (!checks.isEmpty()) {
            schema.put("entity_checks", checks.stream().map(EntityCheck::toKong).toList());
        }
        return schema;
    }

    private static List<Object> fieldList(List<Field> fields) {
        List<Object> list = new ArrayList<>(fields.size());
        for (Field field : fields) {
            list.add(Map.of(field.name, attributes(field)));
        }
        return list;
    }

    static Map<String, Object> attributes(Field field) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", field.type.kongName());
        if (field.required) {
            a.put("required", true);
        }
        if (field.defaultValue != null) {
            a.put("default", field.defaultValue);
        }
        if (field.oneOf != null) {
            a.put("one_of", field.oneOf);
        }
        if (field.notOneOf != null) {
            a.put("not_one_of", field.notOneOf);
        }
        if (field.betweenMin != null) {
            a.put("between", List.of(field.betweenMin, field.betweenMax));
        }
        if (field.gt != null) {
            a.put("gt", field.gt);
        }
        if (field.lenMin != null) {
            a.put("len_min", field.lenMin);
        }
        if (field.lenMax != null) {
            a.put("len_max", field.lenMax);
        }
        if (field.match != null) {
            a.put("match", field.match.source());
        }
        if (field.matchAny != null) {
            a.put(
                    "match_any",
                    Map.of(
                            "patterns",
                            field.matchAny.stream().map(LuaPattern::source).toList()));
        }
        if (field.uuid) {
            a.put("uuid", true);
        }
        if (field.err != null) {
            a.put("err", field.err);
        }
        if (field.referenceable) {
            a.put("referenceable", true);
        }
        if (field.elements != null) {
            a.put("elements", attributes(field.elements));
        }
        if (field.keys != null && field.values != null) {
            a.put("keys", attributes(field.keys));
            a.put("values", attributes(field.values));
        }
        if (field.type == FieldType.RECORD) {
            a.put("fields", fieldList(field.fields));
        }
        return a;
    }
}
