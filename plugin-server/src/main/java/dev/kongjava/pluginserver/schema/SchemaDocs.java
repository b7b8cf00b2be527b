package dev.kongjava.pluginserver.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Renders a {@link ConfigSchema} as the Markdown settings table the README embeds. */
final class SchemaDocs {
    private SchemaDocs() {}

    static String table(List<Field> fields, List<EntityCheck> checks, List<ConfigRule> rules) {
        boolean mapped = hasMapping(fields);
        StringBuilder out = new StringBuilder();
        out.append("| Field | Type | Default | Rule | Description |")
                .append(mapped ? " Maps to |" : "")
                .append('\n');
        out.append("|---|---|---|---|---|").append(mapped ? "---|" : "").append('\n');
        rows(fields, "", mapped, out);
        if (!checks.isEmpty()) {
            out.append(
                    "\nChecks across fields, in the schema Kong loads: Kong refuses a config that fails one when it is "
                            + "written (Admin API, decK, `kong.yml`), and the server checks them again when an instance starts:\n\n");
            checks.forEach(c -> out.append("- ").append(c.description()).append('\n'));
        }
        if (!rules.isEmpty()) {
            out.append("\nChecks Kong's schema language cannot express, so only the server enforces them, when an "
                    + "instance starts (every request then gets Kong's 500):\n\n");
            rules.forEach(r -> out.append("- ").append(r.description()).append('\n'));
        }
        return out.toString();
    }

    private static boolean hasMapping(List<Field> fields) {
        for (Field f : fields) {
            if (f.mapsTo != null || hasMapping(f.fields) || (f.elements != null && hasMapping(f.elements.fields))) {
                return true;
            }
        }
        return false;
    }

    private static void rows(List<Field> fields, String prefix, boolean mapped, StringBuilder out) {
        for (Field f : fields) {
            String path = prefix + f.name;
            out.append("| `")
                    .append(path)
                    .append("` | ")
                    .append(typeName(f))
                    .append(" | ")
                    .append(defaultText(f))
                    .append(" | ")
                    .append(cell(rule(f)))
                    .append(" | ")
                    .append(cell(f.doc == null ? "" : f.doc))
                    .append(" |");
            if (mapped) {
                out.append(' ').append(cell(f.mapsTo == null ? "" : f.mapsTo)).append(" |");
            }
            out.append('\n');
            if (f.type == FieldType.RECORD) {
                rows(f.fields, path + ".", mapped, out);
            } else if (f.elements != null && f.elements.type == FieldType.RECORD) {
                rows(f.elements.fields, path + "[].", mapped, out);
            }
        }
    }

    private static String typeName(Field f) {
        return switch (f.type) {
            case ARRAY, SET ->
                f.type.kongName() + " of " + typeName(Objects.requireNonNull(f.elements, "an array has elements"));
            case MAP ->
                "map of " + typeName(Objects.requireNonNull(f.keys, "a map has keys")) + " to "
                        + typeName(Objects.requireNonNull(f.values, "a map has values"));
            default -> f.type.kongName();
        };
    }

    private static String defaultText(Field f) {
        if (f.defaultValue == null) {
            return "";
        }
        return "`" + ConfigParser.JSON.valueToTree(f.defaultValue) + "`";
    }

    private static String rule(Field f) {
        List<String> parts = new ArrayList<>();
        if (f.required) {
            parts.add("required");
        }
        if (f.err != null) {
            parts.add(f.err); // the field's own words for all its validators
        } else {
            validators(f, parts);
        }
        if (f.referenceable) {
            parts.add("vault reference allowed");
        }
        if (f.secret) {
            parts.add("secret, never logged");
        }
        if (f.elements != null
                && f.elements.type != FieldType.RECORD
                && !rule(f.elements).isEmpty()) {
            parts.add("each " + rule(f.elements));
        }
        return String.join("; ", parts);
    }

    private static void validators(Field f, List<String> parts) {
        if (f.oneOf != null) {
            parts.add("one of " + ConfigParser.join(f.oneOf));
        }
        if (f.notOneOf != null) {
            parts.add("not "
                    + String.join(
                            " or ", f.notOneOf.stream().map(v -> "`" + v + "`").toList()));
        }
        if (f.betweenMin != null && f.betweenMax != null) {
            // an upper bound of Integer.MAX_VALUE only says "fits an int": not worth a reader's time
            parts.add(
                    f.betweenMax.longValue() == Integer.MAX_VALUE
                            ? "≥ " + f.betweenMin
                            : f.betweenMin + " to " + f.betweenMax);
        }
        if (f.gt != null) {
            parts.add("> " + f.gt);
        }
        if (f.lenMin != null) {
            parts.add("length ≥ " + f.lenMin);
        }
        if (f.lenMax != null) {
            parts.add("length ≤ " + f.lenMax);
        }
        if (f.match != null) {
            parts.add("matches the Lua pattern `" + f.match.source() + "`");
        }
        if (f.matchAny != null) {
            parts.add("matches one of the Lua patterns "
                    + String.join(
                            ", ",
                            f.matchAny.stream().map(p -> "`" + p.source() + "`").toList()));
        }
        if (f.uuid) {
            parts.add("UUID");
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
