package dev.kongjava.testkit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code entity_checks} of a plugin sub-schema, accepted as Kong's MetaSubSchema accepts them
 * (the entity checks Kong's metaschema accepts, the same from 3.0 to 3.9):
 * one known check kind per entry, only the keys its record declares, only conditional validators
 * inside {@code if_match}/{@code then_match}/{@code else_match}. Stricter than Kong in two ways that
 * would otherwise fail later: every path must name a field (Kong does not look when it loads the
 * schema, and a wrong path breaks every write), and keys that only newer 3.x versions know
 * ({@code run_with_missing_fields} 3.2+, {@code run_with_invalid_fields} 3.4+) are refused.
 */
final class KongEntityChecks {
    /** Kinds whose argument is an array of field paths. */
    private static final Set<String> PATH_LIST_KINDS =
            Set.of("at_least_one_of", "only_one_of", "distinct", "mutually_required", "mutually_exclusive");
    /** Kinds whose argument is a record: its keys, each with its role. */
    private static final Map<String, Map<String, Role>> RECORD_KINDS = Map.of(
            "conditional",
                    Map.of(
                            "if_field",
                            Role.PATH,
                            "if_match",
                            Role.MATCH,
                            "then_field",
                            Role.PATH,
                            "then_match",
                            Role.MATCH,
                            "then_err",
                            Role.TEXT),
            "conditional_at_least_one_of",
                    Map.of(
                            "if_field",
                            Role.PATH,
                            "if_match",
                            Role.MATCH,
                            "then_at_least_one_of",
                            Role.PATHS,
                            "then_err",
                            Role.TEXT,
                            "else_match",
                            Role.MATCH,
                            "else_then_at_least_one_of",
                            Role.PATHS,
                            "else_then_err",
                            Role.TEXT),
            "mutually_exclusive_sets", Map.of("set1", Role.PATHS, "set2", Role.PATHS));
    /** Keys without which a record check cannot run (Kong would fail on every write). */
    private static final Map<String, List<String>> NEEDED = Map.of(
            "conditional", List.of("if_field", "if_match", "then_field", "then_match"),
            "conditional_at_least_one_of", List.of("if_field", "if_match", "then_at_least_one_of"),
            "mutually_exclusive_sets", List.of("set1", "set2"));
    /** {@code conditional_validators}: required, elements, keys, values and every validator but custom_validator. */
    private static final Set<String> MATCH_ATTRIBUTES =
            KongMetaschema.union(KongMetaschema.VALIDATORS, Set.of("required", "elements", "keys", "values"));

    private enum Role {
        PATH,
        PATHS,
        MATCH,
        TEXT
    }

    private KongEntityChecks() {}

    /** Adds a problem for each entry of {@code checks} Kong would refuse or could not run on {@code schema}. */
    static void check(Object checks, Map<String, Object> schema, List<String> problems) {
        if (!(checks instanceof List<?> list)) {
            problems.add("entity_checks: must be an array");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String where = "entity_checks[" + (i + 1) + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry) || entry.size() != 1) {
                problems.add(where + ": each entry must map exactly one check kind");
                continue;
            }
            Map.Entry<?, ?> only = entry.entrySet().iterator().next();
            checkOne(String.valueOf(only.getKey()), only.getValue(), schema, where, problems);
        }
    }

    private static void checkOne(
            String kind, Object arg, Map<String, Object> schema, String where, List<String> problems) {
        where = where + "." + kind;
        if (PATH_LIST_KINDS.contains(kind)) {
            paths(arg, schema, where, problems);
        } else if (RECORD_KINDS.containsKey(kind)) {
            record(kind, arg, schema, where, problems);
        } else if (kind.equals("custom_entity_check")) {
            problems.add(where + ": needs a Lua function, which a JSON dump cannot carry");
        } else {
            Set<String> known = new TreeSet<>(PATH_LIST_KINDS);
            known.addAll(RECORD_KINDS.keySet());
            problems.add(where + ": unknown entity check (Kong knows " + String.join(", ", known) + ")");
        }
    }

    private static void record(
            String kind, Object arg, Map<String, Object> schema, String where, List<String> problems) {
        if (!(arg instanceof Map<?, ?> fields)) {
            problems.add(where + ": must be a record");
            return;
        }
        Map<String, Role> roles = RECORD_KINDS.get(kind);
        for (String needed : NEEDED.get(kind)) {
            if (!fields.containsKey(needed)) {
                problems.add(where + "." + needed + ": required field missing");
            }
        }
        for (Map.Entry<?, ?> f : fields.entrySet()) {
            String key = String.valueOf(f.getKey());
            Role role = roles.get(key);
            String at = where + "." + key;
            if (role == null) {
                problems.add(at + ": unknown field (not on every Kong 3.x)");
            } else if (role == Role.PATH) {
                path(f.getValue(), schema, at, problems);
            } else if (role == Role.PATHS) {
                paths(f.getValue(), schema, at, problems);
            } else if (role == Role.MATCH) {
                match(f.getValue(), at, problems);
            } else if (!(f.getValue() instanceof String)) {
                problems.add(at + ": expected a string");
            }
        }
    }

    private static void match(Object match, String where, List<String> problems) {
        if (!(match instanceof Map<?, ?> attributes)) {
            problems.add(where + ": expected a record");
            return;
        }
        for (Object attribute : attributes.keySet()) {
            if (!MATCH_ATTRIBUTES.contains(String.valueOf(attribute))) {
                problems.add(where + "." + attribute + ": unknown field");
            }
        }
    }

    private static void paths(Object list, Map<String, Object> schema, String where, List<String> problems) {
        if (!(list instanceof List<?> paths)) {
            problems.add(where + ": expected an array of field paths");
            return;
        }
        for (Object path : paths) {
            path(path, schema, where, problems);
        }
    }

    /** Kong's get_schema_field: a top-level field of the sub-schema, then through record fields. */
    private static void path(Object path, Map<String, Object> schema, String where, List<String> problems) {
        if (!(path instanceof String p)) {
            problems.add(where + ": expected a field path, got " + path);
            return;
        }
        Map<String, Object> level = schema;
        for (String name : p.split("\\.", -1)) {
            Object field = level == null ? null : fieldNamed(level.get("fields"), name);
            if (field == null) {
                problems.add(where + ": '" + p + "' names no field of the schema");
                return;
            }
            level = field instanceof Map<?, ?> m && "record".equals(m.get("type")) ? asMap(m) : null;
        }
    }

    private static Object fieldNamed(Object fields, String name) {
        if (fields instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> one && one.containsKey(name)) {
                    return one.get(name);
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
