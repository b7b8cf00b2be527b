package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro's binary encoding of a document in Avro's JSON encoding (the Avro specification's, which
 * Kong Enterprise calls {@code avro_json}): unions are tagged with the branch, {@code {"string":"x"}},
 * and {@code null} is the null branch; bytes and fixed are strings of code points 0 to 255.
 * Written here rather than with Avro's {@code JsonDecoder}, which ignores fields the schema does
 * not have, skips content after the document, fills no defaults and does not say where it failed:
 * here a field the schema lacks is a mismatch, a missing field takes its default, and every
 * mismatch names its JSON path (put together only when there is a mismatch, not for every
 * value). Encoding goes straight to the output, so no Avro object tree is built besides the
 * schema's own default values.
 */
final class AvroEncoder implements WireEncoder {
    private static final int MAX_NAME = 40;

    private final Schema schema;
    private final int schemaId;

    AvroEncoder(Schema schema, int schemaId) {
        this.schema = schema;
        this.schemaId = schemaId;
    }

    @Override
    public void write(JsonNode document, byte[] json, OutputStream out) throws SchemaMismatch, IOException {
        WireEncoder.header(schemaId, out);
        Encoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            write(schema, document, encoder);
        } catch (Mismatch m) {
            throw new SchemaMismatch("$" + m.path + ": " + m.reason);
        }
        encoder.flush();
    }

    private void write(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        switch (s.getType()) {
            case NULL -> {
                expect(n.isNull(), "null", n);
                e.writeNull();
            }
            case BOOLEAN -> {
                expect(n.isBoolean(), "boolean", n);
                e.writeBoolean(n.booleanValue());
            }
            case INT -> {
                expect(n.isIntegralNumber(), "int", n);
                inRange(n.canConvertToInt(), "int");
                e.writeInt(n.intValue());
            }
            case LONG -> {
                expect(n.isIntegralNumber(), "long", n);
                inRange(n.canConvertToLong(), "long");
                e.writeLong(n.longValue());
            }
            case FLOAT -> {
                expect(n.isNumber(), "float", n);
                inRange(Float.isFinite(n.floatValue()), "float");
                e.writeFloat(n.floatValue());
            }
            case DOUBLE -> {
                expect(n.isNumber(), "double", n);
                inRange(Double.isFinite(n.doubleValue()), "double");
                e.writeDouble(n.doubleValue());
            }
            case STRING -> {
                expect(n.isTextual(), "string", n);
                e.writeString(n.textValue());
            }
            case BYTES -> e.writeBytes(octets(n, "bytes"));
            case FIXED -> fixed(s, n, e);
            case ENUM -> enumSymbol(s, n, e);
            case ARRAY -> array(s, n, e);
            case MAP -> map(s, n, e);
            case RECORD -> record(s, n, e);
            case UNION -> union(s, n, e);
        }
    }

    /** The value of a member {@code name}: a mismatch in it gets the name in front of its path. */
    private void member(Schema s, JsonNode n, String name, Encoder e) throws Mismatch, IOException {
        try {
            write(s, n, e);
        } catch (Mismatch m) {
            throw m.under(segment(name));
        }
    }

    private void fixed(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        byte[] bytes = octets(n, "fixed " + s.getFullName());
        if (bytes.length != s.getFixedSize()) {
            throw new Mismatch(
                    "fixed " + s.getFullName() + " needs " + s.getFixedSize() + " bytes, got " + bytes.length);
        }
        e.writeFixed(bytes);
    }

    private void enumSymbol(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        expect(n.isTextual(), "enum " + s.getFullName(), n);
        if (!s.hasEnumSymbol(n.textValue())) {
            throw new Mismatch("not a symbol of enum " + s.getFullName());
        }
        e.writeEnum(s.getEnumOrdinal(n.textValue()));
    }

    private void array(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        expect(n.isArray(), "array", n);
        e.writeArrayStart();
        e.setItemCount(n.size());
        for (int i = 0; i < n.size(); i++) {
            e.startItem();
            try {
                write(s.getElementType(), n.get(i), e);
            } catch (Mismatch m) {
                throw m.under("[" + i + "]");
            }
        }
        e.writeArrayEnd();
    }

    private void map(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        expect(n.isObject(), "map", n);
        e.writeMapStart();
        e.setItemCount(n.size());
        for (Map.Entry<String, JsonNode> entry : n.properties()) {
            e.startItem();
            e.writeString(entry.getKey());
            member(s.getValueType(), entry.getValue(), entry.getKey(), e);
        }
        e.writeMapEnd();
    }

    private void record(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        expect(n.isObject(), "record " + s.getFullName(), n);
        for (Map.Entry<String, JsonNode> member : n.properties()) {
            if (s.getField(member.getKey()) == null) {
                throw new Mismatch("not a field of record " + s.getFullName()).under(segment(member.getKey()));
            }
        }
        for (Schema.Field field : s.getFields()) {
            JsonNode value = n.get(field.name());
            if (value != null) {
                member(field.schema(), value, field.name(), e);
            } else if (field.hasDefaultValue()) {
                // the schema's own value, built once by Avro and cached there
                new GenericDatumWriter<>(field.schema()).write(GenericData.get().getDefaultValue(field), e);
            } else {
                throw new Mismatch("missing, and the field has no default").under(segment(field.name()));
            }
        }
    }

    /** {@code null}, or {@code {"<branch>": value}} naming a branch by type name or (full) name. */
    private void union(Schema s, JsonNode n, Encoder e) throws Mismatch, IOException {
        List<Schema> branches = s.getTypes();
        if (n.isNull()) {
            Integer index = s.getIndexNamed(Schema.Type.NULL.getName());
            if (index == null) {
                throw new Mismatch("null is not a branch of union " + names(branches));
            }
            e.writeIndex(index);
            return;
        }
        if (n.isObject() && n.size() == 1) {
            String tag = n.properties().iterator().next().getKey();
            for (int i = 0; i < branches.size(); i++) {
                Schema branch = branches.get(i);
                if (tag.equals(branch.getFullName()) || tag.equals(branch.getName())) {
                    e.writeIndex(i);
                    member(branch, n.get(tag), tag, e);
                    return;
                }
            }
        }
        throw new Mismatch(
                "expected one of the union " + names(branches) + " as {\"<branch>\": value} or null, got " + kind(n));
    }

    /** A JSON string of code points 0 to 255, one byte each, as Avro's JSON encoding writes bytes. */
    private static byte[] octets(JsonNode n, String type) throws Mismatch {
        expect(n.isTextual(), type, n);
        String text = n.textValue();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new Mismatch(type + " takes code points 0 to 255 only");
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void expect(boolean ok, String type, JsonNode n) throws Mismatch {
        if (!ok) {
            throw new Mismatch("expected " + type + ", got " + kind(n));
        }
    }

    private static void inRange(boolean ok, String type) throws Mismatch {
        if (!ok) {
            throw new Mismatch("number out of range for " + type);
        }
    }

    private static String kind(JsonNode n) {
        return n.isIntegralNumber() ? "integer" : n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String names(List<Schema> branches) {
        return branches.stream().map(Schema::getFullName).toList().toString();
    }

    /** The path segment of a member; the client chooses names, so a long one is cut. */
    private static String segment(String name) {
        return "." + (name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME) + "...");
    }

    /** A mismatch on its way out of the values it is in, each adding its segment of the path. */
    private static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;
        private String path = "";

        Mismatch(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        Mismatch under(String segment) {
            path = segment + path;
            return this;
        }
    }
}
