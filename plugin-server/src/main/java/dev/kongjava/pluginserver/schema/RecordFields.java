package dev.kongjava.pluginserver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a config record: each component is a field, its Java type gives the Kong type and its
 * annotations the Kong attributes. The component's name in snake case is the field's name
 * ({@code forwardMethod} → {@code forward_method}) unless {@link Name} says otherwise.
 *
 * <table>
 *   <caption>Component types</caption>
 *   <tr><th>Java</th><th>Kong</th></tr>
 *   <tr><td>{@code String}</td><td>string</td></tr>
 *   <tr><td>{@code boolean}, {@code Boolean}</td><td>boolean</td></tr>
 *   <tr><td>{@code int}, {@code Integer}</td><td>integer, within int's range (a {@link Between} or {@link OneOf} of ints bounds it instead)</td></tr>
 *   <tr><td>{@code long}, {@code Long}</td><td>integer</td></tr>
 *   <tr><td>{@code double}, {@code Double}</td><td>number</td></tr>
 *   <tr><td>an enum</td><td>string, one of its constants' names (lower case, or {@link Name})</td></tr>
 *   <tr><td>{@code List<E>}</td><td>array of E</td></tr>
 *   <tr><td>{@code Set<E>}</td><td>set of E (ordered, duplicates dropped)</td></tr>
 *   <tr><td>{@code Map<String, V>}</td><td>map of string to V</td></tr>
 *   <tr><td>a record</td><td>record of its components</td></tr>
 * </table>
 */
final class RecordFields {
    private RecordFields() {}

    /** The fields of {@code type}, in component order. */
    static List<Field.Builder> of(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        List<Field.Builder> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            fields.add(field(name(c), c.getAnnotatedType(), type.getSimpleName() + "." + c.getName()));
        }
        return fields;
    }

    /** The field name of a component: {@link Name}, else its name in snake case. */
    static String name(RecordComponent c) {
        Name name = c.getAnnotatedType().getAnnotation(Name.class);
        return name != null ? name.value() : snakeCase(c.getName());
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** The config value of an enum constant: {@link Name} on the constant, else its name in lower case. */
    static String enumValue(Enum<?> constant) {
        try {
            Name name = constant.getDeclaringClass().getField(constant.name()).getAnnotation(Name.class);
            return name != null ? name.value() : constant.name().toLowerCase(Locale.ROOT);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field.Builder field(String name, AnnotatedType type, String where) {
        Class<?> raw = raw(type.getType());
        Field.Builder field = typed(name, type, raw, where);
        if ((raw == int.class || raw == Integer.class)
                && type.getAnnotation(Between.class) == null
                && !intOneOf(type.getAnnotation(OneOf.class), where)) {
            field.between(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw.isPrimitive()
                && type.getAnnotation(Default.class) == null
                && type.getAnnotation(Required.class) == null) {
            throw new IllegalArgumentException(
                    where + " is a " + raw + ", which cannot be null: give it @Default or @Required");
        }
        annotations(field, type, raw, where);
        return field;
    }

    /** Whether an int's {@link OneOf} bounds it already; its values must then fit an int. */
    private static boolean intOneOf(OneOf oneOf, String where) {
        if (oneOf == null) {
            return false;
        }
        for (String v : oneOf.value()) {
            long n = Long.parseLong(v);
            if (n != (int) n) {
                throw new IllegalArgumentException(where + " is an int, which cannot hold @OneOf value " + v);
            }
        }
        return true;
    }

    private static Field.Builder typed(String name, AnnotatedType type, Class<?> raw, String where) {
        if (raw == String.class) {
            return Field.string(name);
        } else if (raw == boolean.class || raw == Boolean.class) {
            return Field.bool(name);
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return Field.integer(name);
        } else if (raw == double.class || raw == Double.class) {
            return Field.number(name);
        } else if (raw.isEnum()) {
            return Field.string(name).oneOf(enumValues(raw));
        } else if (raw == List.class) {
            return Field.array(name, field("element", argument(type, 0, where), where + "[]"));
        } else if (raw == Set.class) {
            return Field.set(name, field("element", argument(type, 0, where), where + "[]"));
        } else if (raw == Map.class) {
            if (raw(argument(type, 0, where).getType()) != String.class) {
                throw new IllegalArgumentException(where + ": a map's keys must be strings");
            }
            return Field.map(
                    name,
                    field("key", argument(type, 0, where), where + " key"),
                    field("value", argument(type, 1, where), where + " value"));
        } else if (raw.isRecord()) {
            return Field.record(name, of(raw).toArray(Field.Builder[]::new));
        }
        throw new IllegalArgumentException(
                where + ": a config field cannot be a " + type.getType().getTypeName());
    }

    private static void annotations(Field.Builder f, AnnotatedType t, Class<?> raw, String where) {
        if (t.getAnnotation(Required.class) != null) {
            f.required();
        }
        Default d = t.getAnnotation(Default.class);
        if (d != null) {
            f.defaultValue(defaultValue(d.value(), raw, where));
        }
        OneOf oneOf = t.getAnnotation(OneOf.class);
        if (oneOf != null) {
            f.oneOf(values(oneOf.value(), raw));
        }
        NotOneOf notOneOf = t.getAnnotation(NotOneOf.class);
        if (notOneOf != null) {
            f.notOneOf(values(notOneOf.value(), raw));
        }
        Between between = t.getAnnotation(Between.class);
        if (between != null) {
            f.between(between.min(), between.max());
        }
        Gt gt = t.getAnnotation(Gt.class);
        if (gt != null) {
            f.gt(gt.value());
        }
        LenMin lenMin = t.getAnnotation(LenMin.class);
        if (lenMin != null) {
            f.lenMin(lenMin.value());
        }
        LenMax lenMax = t.getAnnotation(LenMax.class);
        if (lenMax != null) {
            f.lenMax(lenMax.value());
        }
        textual(f, t);
    }

    private static void textual(Field.Builder f, AnnotatedType t) {
        Matches matches = t.getAnnotation(Matches.class);
        if (matches != null) {
            f.match(matches.value());
        }
        MatchAny matchAny = t.getAnnotation(MatchAny.class);
        if (matchAny != null) {
            f.matchAny(matchAny.value());
        }
        Err err = t.getAnnotation(Err.class);
        if (err != null) {
            f.err(err.value());
        }
        if (t.getAnnotation(Uuid.class) != null) {
            f.uuid();
        }
        if (t.getAnnotation(Referenceable.class) != null) {
            f.referenceable();
        }
        if (t.getAnnotation(Secret.class) != null) {
            f.secret();
        }
        Doc doc = t.getAnnotation(Doc.class);
        if (doc != null) {
            f.doc(doc.value());
        }
        MapsTo mapsTo = t.getAnnotation(MapsTo.class);
        if (mapsTo != null) {
            f.mapsTo(mapsTo.value());
        }
    }

    /** A default as the parser sees config values: the text itself for strings and enums, else JSON. */
    private static Object defaultValue(String text, Class<?> raw, String where) {
        if (raw == String.class || raw.isEnum()) {
            return text;
        }
        try {
            return ConfigParser.JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") is not JSON", e);
        }
    }

    /** One-of values in the field's type: numbers for numeric fields, the text otherwise. */
    private static Object[] values(String[] texts, Class<?> raw) {
        Object[] out = new Object[texts.length];
        for (int i = 0; i < texts.length; i++) {
            if (raw == double.class || raw == Double.class) {
                out[i] = Double.parseDouble(texts[i]);
            } else if (raw == String.class || raw.isEnum()) {
                out[i] = texts[i];
            } else {
                out[i] = Long.parseLong(texts[i]);
            }
        }
        return out;
    }

    private static Object[] enumValues(Class<?> type) {
        return java.util.Arrays.stream(type.getEnumConstants())
                .map(c -> enumValue((Enum<?>) c))
                .toArray();
    }

    private static AnnotatedType argument(AnnotatedType type, int index, String where) {
        if (!(type instanceof AnnotatedParameterizedType p)) {
            throw new IllegalArgumentException(where + ": give the collection's element type, e.g. List<String>");
        }
        return p.getAnnotatedActualTypeArguments()[index];
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("a config field cannot be a " + type.getTypeName());
    }

    /** The component types of a map's or a collection's type arguments, for binding. */
    static Type[] arguments(Type type) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
    }
}
