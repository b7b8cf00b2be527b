package dev.kongjava.pluginserver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A plugin's config, declared once: a Java record whose components are the fields (see
 * {@link #of(Class)}), plus checks across fields: {@link EntityCheck}s, which Kong enforces too,
 * and the few {@link ConfigRule}s it cannot express. From it come the Kong sub-schema in the dump
 * (what {@code --dump} shows), parsing and validation of {@code StartInstance} config, the typed
 * value each instance gets ({@link #read}) and the settings table ({@link #markdownTable()}).
 *
 * <pre>{@code
 * record HelloConfig(@Doc("The word before the name.") @Default("Hello") @LenMin(1) String greeting) {}
 * static final ConfigSchema<HelloConfig> SCHEMA = ConfigSchema.of(HelloConfig.class);
 * }</pre>
 *
 * @param <C> the config type an instance receives
 */
public final class ConfigSchema<C> {
    /** A plugin without config fields. */
    public static final ConfigSchema<NoConfig> EMPTY = of(NoConfig.class);

    /** The config of a plugin that has none. */
    public record NoConfig() {}

    /** Keys Kong adds to every config (docs/protocol.md §2.3); never warned about. */
    static final Set<String> KONG_INJECTED_KEYS =
            Set.of("route_id", "service_id", "consumer_id", "plugin_instance_name");

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final Class<C> type;
    private final List<Field> fields;
    private final List<EntityCheck> checks;
    private final List<ConfigRule> rules;

    private ConfigSchema(Class<C> type, List<Field> fields, List<EntityCheck> checks, List<ConfigRule> rules) {
        this.type = type;
        this.fields = List.copyOf(fields);
        this.checks = List.copyOf(checks);
        this.rules = List.copyOf(rules);
    }

    /**
     * The schema of a config record, without checks across fields.
     *
     * @throws IllegalArgumentException naming the component whose type or annotations Kong cannot take
     */
    public static <R extends Record> ConfigSchema<R> of(Class<R> type) {
        return builder(type).build();
    }

    /** A schema of a config record, to which checks across fields can be added. */
    public static <R extends Record> Builder<R> builder(Class<R> type) {
        Builder<R> b = new Builder<>(type);
        b.fields.addAll(RecordFields.of(type));
        return b;
    }

    /** A schema of fields declared one by one, read back as {@link ConfigValues}. */
    public static Builder<ConfigValues> builder() {
        return new Builder<>(ConfigValues.class);
    }

    /** The config type instances receive. */
    public Class<C> type() {
        return type;
    }

    /**
     * Parses and validates {@code Config} JSON as StartInstance does (unknown keys ignored, defaults
     * applied, every field, entity check and rule checked) and gives it as the config type.
     *
     * @throws ConfigException naming plugin, field, value and rule
     */
    public C read(String plugin, String json) {
        return bind(parse(plugin, json));
    }

    // Below, what is not public is the server's (internal.instance.ApiAccess reads bind, parse,
    // unknownKeys and toKongSchema) or this package's.

    /** The config type's value of already validated values. */
    C bind(ConfigValues values) {
        return type == ConfigValues.class ? type.cast(values) : RecordBinder.bind(type, values);
    }

    List<Field> fields() {
        return fields;
    }

    /** Checks across fields that Kong enforces as well (the dump's {@code entity_checks}). */
    List<EntityCheck> checks() {
        return checks;
    }

    /** Checks across fields that only StartInstance enforces. */
    List<ConfigRule> rules() {
        return rules;
    }

    /**
     * Parses and validates the {@code Config} JSON Kong sends in {@code StartInstance}: unknown keys
     * are ignored, defaults applied, every field, entity check and rule checked.
     *
     * @throws ConfigException naming plugin, field, value and rule
     */
    ConfigValues parse(String plugin, @Nullable String json) {
        ConfigValues values = new ConfigParser(plugin).record(fields, readObject(plugin, json), "");
        for (EntityCheck check : checks) {
            check.check(values, path -> find(fields, path)).ifPresent(v -> fail(plugin, values, v));
        }
        for (ConfigRule rule : rules) {
            rule.check(values).ifPresent(v -> fail(plugin, values, v));
        }
        return values;
    }

    private void fail(String plugin, ConfigValues values, ConfigRule.Violation v) {
        throw v.field() == null
                ? new ConfigException(plugin, v.rule())
                : new ConfigException(plugin, v.field(), shown(values, v.field()), v.rule());
    }

    /** Top-level keys of {@code json} that are neither fields nor keys Kong injects. */
    List<String> unknownKeys(String plugin, @Nullable String json) {
        Set<String> known = new HashSet<>();
        fields.forEach(f -> known.add(f.name));
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = readObject(plugin, json).fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key) && !key.startsWith("__") && !KONG_INJECTED_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** The {@code Schema} object of the dump: {@code {"name":…,"fields":[{"config":{"type":"record",…}}]}}. */
    Map<String, Object> toKongSchema(String plugin, List<String> protocols) {
        return KongSchemaWriter.subSchema(plugin, protocols, fields, checks);
    }

    /** The settings table (Markdown) with one row per field, nested fields as dotted paths. */
    public String markdownTable() {
        return SchemaDocs.table(fields, checks, rules);
    }

    private static JsonNode readObject(String plugin, @Nullable String json) {
        JsonNode root;
        try {
            root = ConfigParser.JSON.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(plugin, "Config is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(plugin, "Config must be a JSON object");
        }
        return root;
    }

    private String shown(ConfigValues values, String path) {
        Field field = find(fields, path);
        Object value = values.get(path);
        if (field != null && field.secret && value != null) {
            return ConfigValues.MASK;
        }
        return String.valueOf(ConfigParser.JSON.valueToTree(value instanceof ConfigValues r ? r.toMap(true) : value));
    }

    /** The field at a dotted path through records, or null. */
    static @Nullable Field find(List<Field> fields, String path) {
        List<Field> level = fields;
        @Nullable Field found = null;
        for (String part : path.split("\\.")) {
            found = level.stream().filter(f -> f.name.equals(part)).findFirst().orElse(null);
            if (found == null) {
                return null;
            }
            level = found.fields;
        }
        return found;
    }

    /**
     * Collects fields and checks; {@link #build()} checks names, that every default is valid and
     * that every entity check names existing fields.
     */
    public static final class Builder<C> {
        private final Class<C> type;
        private final List<Field.Builder> fields = new ArrayList<>();
        private final List<EntityCheck> checks = new ArrayList<>();
        private final List<ConfigRule> rules = new ArrayList<>();

        private Builder(Class<C> type) {
            this.type = type;
        }

        /** Adds a field (only to a schema of {@link ConfigValues}; a record's fields are its components). */
        public Builder<C> add(Field.Builder field) {
            if (type != ConfigValues.class) {
                throw new IllegalStateException("the fields of " + type.getName() + " are its components");
            }
            fields.add(field);
            return this;
        }

        /** Adds fields in order, e.g. a group declared in another class. */
        public Builder<C> addAll(java.util.Collection<Field.Builder> more) {
            more.forEach(this::add);
            return this;
        }

        /** A check across fields that goes into the dump, so Kong enforces it when a config is written. */
        public Builder<C> check(EntityCheck check) {
            checks.add(check);
            return this;
        }

        /** A check only StartInstance enforces; use {@link #check} when Kong's vocabulary can express it. */
        public Builder<C> rule(ConfigRule rule) {
            rules.add(rule);
            return this;
        }

        /**
         * The schema, once the declaration was checked.
         *
         * @throws IllegalStateException listing every problem found in the declaration
         */
        public ConfigSchema<C> build() {
            List<Field> built = fields.stream().map(Field.Builder::build).toList();
            List<String> problems = new ArrayList<>();
            check(built, "", problems);
            checks.forEach(c -> c.checkDeclaration(built, problems));
            if (!problems.isEmpty()) {
                throw new IllegalStateException("invalid config schema: " + String.join("; ", problems));
            }
            return new ConfigSchema<>(type, built, checks, rules);
        }

        private static void check(List<Field> fields, String prefix, List<String> problems) {
            Set<String> seen = new HashSet<>();
            for (Field f : fields) {
                String path = prefix + f.name;
                if (f.name == null || !NAME.matcher(f.name).matches()) {
                    problems.add("field name '" + path + "' must match " + NAME);
                }
                if (!seen.add(f.name)) {
                    problems.add("duplicate field " + path);
                }
                checkDefault(f, path, problems);
                if (f.type == FieldType.RECORD) {
                    check(f.fields, path + ".", problems);
                }
            }
        }

        private static void checkDefault(Field f, String path, List<String> problems) {
            if (f.defaultValue == null) {
                return;
            }
            if (f.type == FieldType.RECORD) {
                problems.add("record " + path + " cannot have a default; give its fields defaults");
                return;
            }
            try {
                new ConfigParser("(schema)").value(f, ConfigParser.JSON.valueToTree(f.defaultValue), path);
            } catch (ConfigException e) {
                problems.add("default of " + path + " is invalid: " + e.getMessage());
            }
        }
    }
}
