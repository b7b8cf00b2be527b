package dev.kongjava.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a plugin dump the way Kong does before it loads an external plugin (docs/protocol.md §2:
 * its plugin loader, metaschema and plugins DAO), written from that description. An unknown type,
 * attribute or entity check kind here means {@code kong start} would fail with "error loading plugin
 * schemas"; an entity check path that names no field would fail every write ({@link KongEntityChecks}).
 */
public final class KongMetaschema {
    private static final Set<String> TYPES = Set.of(
            "array", "set", "string", "number", "boolean", "integer", "foreign", "map", "record", "function", "json");
    /** Kong's field validators (its metaschema's validators list, but custom_validator). */
    static final Set<String> VALIDATORS = Set.of(
            "between",
            "eq",
            "ne",
            "gt",
            "len_eq",
            "len_min",
            "len_max",
            "match",
            "not_match",
            "match_all",
            "match_none",
            "match_any",
            "starts_with",
            "one_of",
            "not_one_of",
            "contains",
            "is_regex",
            "timestamp",
            "uuid",
            "mutually_exclusive_subsets");
    /** Field attributes of Kong's metaschema (field_schema + validators), plus 2.8+'s referenceable. */
    private static final Set<String> ATTRIBUTES = union(
            VALIDATORS,
            Set.of(
                    "type",
                    "required",
                    "reference",
                    "auto",
                    "unique",
                    "unique_across_ws",
                    "on_delete",
                    "default",
                    "abstract",
                    "generate_admin_api",
                    "legacy",
                    "immutable",
                    "err",
                    "encrypted",
                    "elements",
                    "keys",
                    "values",
                    "fields",
                    "entity_checks",
                    "referenceable"));

    private static final Map<String, Set<String>> ONLY_ON = Map.of(
            "between", Set.of("integer", "number"),
            "len_eq", Set.of("array", "set", "string", "map"),
            "match", Set.of("string"),
            "match_any", Set.of("string"),
            "one_of", Set.of("string", "number", "integer"),
            "contains", Set.of("array", "set"),
            "is_regex", Set.of("string"),
            "timestamp", Set.of("number", "integer"),
            "uuid", Set.of("string"),
            "referenceable", Set.of("string"));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "array",
            List.of("elements"),
            "set",
            List.of("elements"),
            "map",
            List.of("keys", "values"),
            "record",
            List.of("fields"),
            "json",
            List.of("json_schema"));
    private static final Set<String> PLUGIN_ENTITY_FIELDS = Set.of(
            "id",
            "name",
            "instance_name",
            "created_at",
            "updated_at",
            "route",
            "service",
            "consumer",
            "config",
            "protocols",
            "enabled",
            "tags");
    /** Keys of Kong's MetaSubSchema that a JSON dump can carry ({@code check} would need a Lua function). */
    private static final Set<String> SUBSCHEMA_KEYS =
            Set.of("name", "fields", "entity_checks", "shorthand_fields", "transformations");

    private static final Set<String> PHASES = Set.of("certificate", "rewrite", "access", "response", "preread", "log");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");

    private KongMetaschema() {}

    /** Problems with a whole dump ({@code {"Protocol":…,"Plugins":[…]}}); empty when Kong would accept it. */
    public static List<String> checkDump(Map<String, Object> dump) {
        List<String> problems = new ArrayList<>();
        Object protocol = dump.get("Protocol");
        if (protocol != null && !"MsgPack:1".equals(protocol) && !"ProtoBuf:1".equals(protocol)) {
            problems.add("unknown protocol implementation " + protocol);
        }
        if (!(dump.get("Plugins") instanceof List<?> plugins) || plugins.isEmpty()) {
            problems.add("Plugins must be a non-empty array");
            return problems;
        }
        for (Object p : plugins) {
            checkPluginInfo(asMap(p), problems);
        }
        return problems;
    }

    private static void checkPluginInfo(Map<String, Object> info, List<String> problems) {
        String name = String.valueOf(info.get("Name"));
        if (!(info.get("Priority") instanceof Integer || info.get("Priority") instanceof Long)) {
            problems.add(name + ": Priority must be an integer");
        }
        if (!(info.get("Version") instanceof String v) || !VERSION.matcher(v).matches()) {
            problems.add(name + ": Version must be x.y.z");
        }
        if (!(info.get("Phases") instanceof List<?> phases) || !PHASES.containsAll(phases)) {
            problems.add(name + ": Phases must be a subset of " + PHASES);
        }
        problems.addAll(checkSubSchema(asMap(info.get("Schema"))));
    }

    /** Problems with a plugin sub-schema ({@code {"name":…,"fields":[…]}}). */
    public static List<String> checkSubSchema(Map<String, Object> schema) {
        List<String> problems = new ArrayList<>();
        if (!(schema.get("name") instanceof String)) {
            problems.add("schema: name must be a string");
        }
        for (String key : schema.keySet()) {
            if (!SUBSCHEMA_KEYS.contains(key)) {
                problems.add(key + ": unknown field of a plugin schema");
            }
        }
        if (schema.containsKey("entity_checks")) {
            KongEntityChecks.check(schema.get("entity_checks"), schema, problems);
        }
        for (Map.Entry<String, Map<String, Object>> f : fields(schema.get("fields"), "schema", problems)) {
            if (!PLUGIN_ENTITY_FIELDS.contains(f.getKey())) {
                problems.add(f.getKey() + ": SUBSCHEMA_BAD_FIELD (not a field of the plugins entity)");
            }
            if (f.getKey().equals("config") && !"record".equals(f.getValue().get("type"))) {
                problems.add("config: must be a record");
            }
            if (f.getKey().equals("protocols") && !"set".equals(f.getValue().get("type"))) {
                problems.add("protocols: must be a set");
            }
            checkField(f.getKey(), f.getValue(), problems);
        }
        return problems;
    }

    private static List<Map.Entry<String, Map<String, Object>>> fields(
            Object list, String where, List<String> problems) {
        List<Map.Entry<String, Map<String, Object>>> out = new ArrayList<>();
        if (!(list instanceof List<?> entries)) {
            problems.add(where + ": fields must be an array");
            return out;
        }
        for (Object entry : entries) {
            Map<String, Object> one = asMap(entry);
            if (one.size() != 1) {
                problems.add(where + ": each entry in fields must map exactly one name");
                continue;
            }
            Map.Entry<String, Object> e = one.entrySet().iterator().next();
            out.add(Map.entry(e.getKey(), asMap(e.getValue())));
        }
        return out;
    }

    private static void checkField(String path, Map<String, Object> field, List<String> problems) {
        Object type = field.get("type");
        if (!(type instanceof String t) || !TYPES.contains(t)) {
            problems.add(path + ": invalid type " + type);
            return;
        }
        for (Map.Entry<String, Object> a : field.entrySet()) {
            if (a.getValue() == null) {
                problems.add(path + ": attribute " + a.getKey() + " is null (cjson would turn it into a sentinel)");
            }
            if (!ATTRIBUTES.contains(a.getKey())) {
                problems.add(path + ": unknown attribute " + a.getKey());
            } else if (ONLY_ON.containsKey(a.getKey())
                    && !ONLY_ON.get(a.getKey()).contains(t)) {
                problems.add(path + ": field of type '" + t + "' cannot have attribute '" + a.getKey() + "'");
            }
        }
        for (String needed : REQUIRED.getOrDefault(t, List.of())) {
            if (!field.containsKey(needed)) {
                problems.add(path + ": field of type '" + t + "' must declare '" + needed + "'");
            }
        }
        checkValues(path, t, field, problems);
        for (String nested : List.of("elements", "keys", "values")) {
            if (field.containsKey(nested)) {
                checkField(path + "." + nested, asMap(field.get(nested)), problems);
            }
        }
        if (field.containsKey("fields")) {
            for (Map.Entry<String, Map<String, Object>> f : fields(field.get("fields"), path, problems)) {
                checkField(path + "." + f.getKey(), f.getValue(), problems);
            }
        }
    }

    private static void checkValues(String path, String type, Map<String, Object> field, List<String> problems) {
        if (field.get("between") instanceof List<?> b
                && (b.size() != 2 || !b.stream().allMatch(x -> x instanceof Integer || x instanceof Long))) {
            problems.add(path + ": between must be two integers");
        }
        if (field.containsKey("default") && !fitsType(type, field.get("default"))) {
            problems.add(path + ": default " + field.get("default") + " is not a " + type);
        }
        for (String bool : List.of("required", "uuid", "referenceable", "encrypted")) {
            if (field.containsKey(bool) && !(field.get(bool) instanceof Boolean)) {
                problems.add(path + ": " + bool + " must be a boolean");
            }
        }
        if (field.containsKey("one_of") && !(field.get("one_of") instanceof List)) {
            problems.add(path + ": one_of must be an array");
        }
    }

    private static boolean fitsType(String type, Object value) {
        return switch (type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "array", "set" -> value instanceof Collection;
            case "map", "record" -> value instanceof Map;
            default -> true;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
