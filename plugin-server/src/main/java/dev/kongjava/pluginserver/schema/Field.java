package dev.kongjava.pluginserver.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One config field, declared once: from it come the Kong schema entry, parsing and validation of
 * {@code StartInstance} config, and a row of the settings table. Build with the static factories,
 * e.g. {@code Field.integer("timeout").defaultValue(10000).between(1, 3_600_000).doc("…")}.
 * Only attributes Kong's metaschema accepts are offered, each on the types Kong allows it on.
 */
public final class Field {
    final String name;
    final FieldType type;
    final boolean required;
    final @Nullable Object defaultValue;
    final @Nullable List<Object> oneOf;
    final @Nullable List<Object> notOneOf;
    final @Nullable LuaPattern match;
    final @Nullable List<LuaPattern> matchAny;
    final @Nullable String err;
    final @Nullable Number betweenMin;
    final @Nullable Number betweenMax;
    final @Nullable Number gt;
    final @Nullable Integer lenMin;
    final @Nullable Integer lenMax;
    final boolean uuid;
    final boolean referenceable;
    final boolean secret;
    final @Nullable String doc;
    final @Nullable String mapsTo;
    final @Nullable Field elements;
    final @Nullable Field keys;
    final @Nullable Field values;
    final List<Field> fields;

    private Field(Builder b) {
        this.name = b.name;
        this.type = b.type;
        this.required = b.required;
        this.defaultValue = b.defaultValue;
        this.oneOf = b.oneOf == null ? null : List.copyOf(b.oneOf);
        this.notOneOf = b.notOneOf == null ? null : List.copyOf(b.notOneOf);
        this.match = b.match;
        this.matchAny = b.matchAny;
        this.err = b.err;
        this.betweenMin = b.betweenMin;
        this.betweenMax = b.betweenMax;
        this.gt = b.gt;
        this.lenMin = b.lenMin;
        this.lenMax = b.lenMax;
        this.uuid = b.uuid;
        this.referenceable = b.referenceable;
        this.secret = b.secret;
        this.doc = b.doc;
        this.mapsTo = b.mapsTo;
        this.elements = b.elements == null ? null : b.elements.build();
        this.keys = b.keys == null ? null : b.keys.build();
        this.values = b.values == null ? null : b.values.build();
        this.fields = b.fields.stream().map(Builder::build).toList();
    }

    public static Builder string(String name) {
        return new Builder(name, FieldType.STRING);
    }

    public static Builder integer(String name) {
        return new Builder(name, FieldType.INTEGER);
    }

    public static Builder number(String name) {
        return new Builder(name, FieldType.NUMBER);
    }

    public static Builder bool(String name) {
        return new Builder(name, FieldType.BOOLEAN);
    }

    /** An ordered list; {@code elements} is an unnamed field describing each element. */
    public static Builder array(String name, Builder elements) {
        Builder b = new Builder(name, FieldType.ARRAY);
        b.elements = Objects.requireNonNull(elements, "elements");
        return b;
    }

    /** Like {@link #array} but duplicates are dropped, keeping the first occurrence. */
    public static Builder set(String name, Builder elements) {
        Builder b = new Builder(name, FieldType.SET);
        b.elements = Objects.requireNonNull(elements, "elements");
        return b;
    }

    /** A map from {@code keys} (a string field) to {@code values}. */
    public static Builder map(String name, Builder keys, Builder values) {
        Builder b = new Builder(name, FieldType.MAP);
        b.keys = Objects.requireNonNull(keys, "keys");
        b.values = Objects.requireNonNull(values, "values");
        return b;
    }

    /** A nested record of named fields. */
    public static Builder record(String name, Builder... fields) {
        Builder b = new Builder(name, FieldType.RECORD);
        b.fields.addAll(Arrays.asList(fields));
        return b;
    }

    /** Field name as it appears in the config JSON. */
    public String name() {
        return name;
    }

    public FieldType type() {
        return type;
    }

    /** True when the value must be present (and is not {@code null}). */
    public boolean required() {
        return required;
    }

    /** The default, or {@code null} when the field has none. */
    public @Nullable Object defaultValue() {
        return defaultValue;
    }

    /** True when the value is a secret: masked in {@code toString}, logs and error messages. */
    public boolean secret() {
        return secret;
    }

    /** Sub-fields of a record; empty for other types. */
    public List<Field> fields() {
        return fields;
    }

    /** Element field of an array or set, else {@code null}. */
    public @Nullable Field elements() {
        return elements;
    }

    /** Human description; also emitted as Kong's {@code description}. */
    public @Nullable String doc() {
        return doc;
    }

    /** Free text naming the setting this field drives, shown in the settings table. */
    public @Nullable String mapsTo() {
        return mapsTo;
    }

    /** Builder of a {@link Field}; every setter checks that Kong allows the attribute on the type. */
    public static final class Builder {
        private final String name;
        private final FieldType type;
        private boolean required;
        private @Nullable Object defaultValue;
        private @Nullable List<Object> oneOf;
        private @Nullable List<Object> notOneOf;
        private @Nullable LuaPattern match;
        private @Nullable List<LuaPattern> matchAny;
        private @Nullable String err;
        private @Nullable Number betweenMin;
        private @Nullable Number betweenMax;
        private @Nullable Number gt;
        private @Nullable Integer lenMin;
        private @Nullable Integer lenMax;
        private boolean uuid;
        private boolean referenceable;
        private boolean secret;
        private @Nullable String doc;
        private @Nullable String mapsTo;
        private @Nullable Builder elements;
        private @Nullable Builder keys;
        private @Nullable Builder values;
        private final List<Builder> fields = new ArrayList<>();

        private Builder(String name, FieldType type) {
            this.name = name;
            this.type = type;
        }

        public Builder required() {
            this.required = true;
            return this;
        }

        /** Default used when Kong sends no value or {@code null}; checked against the rules at build. */
        public Builder defaultValue(Object value) {
            this.defaultValue = value;
            return this;
        }

        /** Kong {@code one_of}: allowed on string, integer and number. */
        public Builder oneOf(Object... allowed) {
            allow(type == FieldType.STRING || type.isNumeric(), "one_of");
            this.oneOf = Arrays.asList(allowed);
            return this;
        }

        /** Kong {@code not_one_of}: values the field may not take. */
        public Builder notOneOf(Object... refused) {
            allow(type == FieldType.STRING || type.isNumeric(), "not_one_of");
            this.notOneOf = Arrays.asList(refused);
            return this;
        }

        /**
         * Kong {@code match}: the string must match this <em>Lua</em> pattern (e.g. {@code ^[%w._-]+$}),
         * checked the same way at StartInstance.
         *
         * @throws IllegalArgumentException for Lua pattern items outside the supported subset (see class doc)
         */
        public Builder match(String luaPattern) {
            allow(type == FieldType.STRING, "match");
            this.match = LuaPattern.compile(luaPattern);
            return this;
        }

        /**
         * Kong {@code match_any}: the string must match at least one of these Lua patterns (an
         * alternation, which one Lua pattern cannot express), checked the same way at StartInstance.
         *
         * @throws IllegalArgumentException for Lua pattern items outside the supported subset
         */
        public Builder matchAny(String... luaPatterns) {
            allow(type == FieldType.STRING, "match_any");
            this.matchAny = Arrays.stream(luaPatterns).map(LuaPattern::compile).toList();
            return this;
        }

        /**
         * Kong {@code err}: the message Kong (and StartInstance) gives when any of this field's
         * validators fails, instead of the validator's own; type and required errors keep theirs.
         */
        public Builder err(String message) {
            this.err = Objects.requireNonNull(message, "message");
            return this;
        }

        /** Kong {@code between}, inclusive: integer and number only, and Kong wants integer bounds. */
        public Builder between(long min, long max) {
            allow(type.isNumeric(), "between");
            this.betweenMin = min;
            this.betweenMax = max;
            return this;
        }

        /** Kong {@code gt}: strictly greater than. */
        public Builder gt(long bound) {
            allow(type.isNumeric(), "gt");
            this.gt = bound;
            return this;
        }

        /** Kong {@code len_min}: minimum string length or collection size. */
        public Builder lenMin(int min) {
            allow(type == FieldType.STRING || type.isCollection() || type == FieldType.MAP, "len_min");
            this.lenMin = min;
            return this;
        }

        /** Kong {@code len_max}. */
        public Builder lenMax(int max) {
            allow(type == FieldType.STRING || type.isCollection() || type == FieldType.MAP, "len_max");
            this.lenMax = max;
            return this;
        }

        /** Kong {@code uuid}: the string must be a UUID. */
        public Builder uuid() {
            allow(type == FieldType.STRING, "uuid");
            this.uuid = true;
            return this;
        }

        /** Kong {@code referenceable}: Kong resolves {@code {vault://…}} references before sending. */
        public Builder referenceable() {
            allow(type == FieldType.STRING, "referenceable");
            this.referenceable = true;
            return this;
        }

        /** Marks a secret: never shown in logs, {@code toString} or error messages. Not sent to Kong. */
        public Builder secret() {
            this.secret = true;
            return this;
        }

        /** One or two sentences; Kong requires 10 to 500 characters for {@code description}. */
        public Builder doc(String text) {
            this.doc = text;
            return this;
        }

        /** Names the underlying setting, for the settings table only. */
        public Builder mapsTo(String text) {
            this.mapsTo = text;
            return this;
        }

        private void allow(boolean ok, String attribute) {
            if (!ok) {
                throw new IllegalArgumentException(
                        "Kong does not allow '" + attribute + "' on " + type.kongName() + " field " + name);
            }
        }

        Field build() {
            return new Field(this);
        }
    }
}
