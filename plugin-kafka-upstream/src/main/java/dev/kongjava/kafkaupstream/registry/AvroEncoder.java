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
 * mismatch names its JSON path. Encoding goes straight to the output, so no Avro object tree is
 * built besides the schema's own default values.
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
        write(schema, document, "$", encoder);
        encoder.flush();
    }

    private void write(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        switch (s.getType()) {
            case NULL -> {
                expect(n.isNull(), "null", n, path);
                e.writeNull();
            }
            case BOOLEAN -> {
                expect(n.isBoolean(), "boolean", n, path);
                e.writeBoolean(n.booleanValue());
            }
            case INT -> {
                expect(n.isIntegralNumber(), "int", n, path);
                inRange(n.canConvertToInt(), "int", path);
                e.writeInt(n.intValue());
            }
            case LONG -> {
                expect(n.isIntegralNumber(), "long", n, path);
                inRange(n.canConvertToLong(), "long", path);
                e.writeLong(n.longValue());
            }
            case FLOAT -> {
                expect(n.isNumber(), "float", n, path);
                inRange(Float.isFinite(n.floatValue()), "float", path);
                e.writeFloat(n.floatValue());
            }
            case DOUBLE -> {
                expect(n.isNumber(), "double", n, path);
                inRange(Double.isFinite(n.doubleValue()), "double", path);
                e.writeDouble(n.doubleValue());
            }
            case STRING -> {
                expect(n.isTextual(), "string", n, path);
                e.writeString(n.textValue());
            }
            case BYTES -> e.writeBytes(octets(n, "bytes", path));
            case FIXED -> fixed(s, n, path, e);
            case ENUM -> enumSymbol(s, n, path, e);
            case ARRAY -> array(s, n, path, e);
            case MAP -> map(s, n, path, e);
            case RECORD -> record(s, n, path, e);
            case UNION -> union(s, n, path, e);
        }
    }

    private void fixed(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        byte[] bytes = octets(n, "fixed " + s.getFullName(), path);
        if (bytes.length != s.getFixedSize()) {
            throw new SchemaMismatch(path + ": fixed " + s.getFullName() + " needs " + s.getFixedSize()
                    + " bytes, got " + bytes.length);
        }
        e.writeFixed(bytes);
    }

    private void enumSymbol(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        expect(n.isTextual(), "enum " + s.getFullName(), n, path);
        if (!s.hasEnumSymbol(n.textValue())) {
            throw new SchemaMismatch(path + ": not a symbol of enum " + s.getFullName());
        }
        e.writeEnum(s.getEnumOrdinal(n.textValue()));
    }

    private void array(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        expect(n.isArray(), "array", n, path);
        e.writeArrayStart();
        e.setItemCount(n.size());
        for (int i = 0; i < n.size(); i++) {
            e.startItem();
            write(s.getElementType(), n.get(i), path + "[" + i + "]", e);
        }
        e.writeArrayEnd();
    }

    private void map(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        expect(n.isObject(), "map", n, path);
        e.writeMapStart();
        e.setItemCount(n.size());
        for (Map.Entry<String, JsonNode> entry : n.properties()) {
            e.startItem();
            e.writeString(entry.getKey());
            write(s.getValueType(), entry.getValue(), child(path, entry.getKey()), e);
        }
        e.writeMapEnd();
    }

    private void record(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        expect(n.isObject(), "record " + s.getFullName(), n, path);
        for (Map.Entry<String, JsonNode> member : n.properties()) {
            if (s.getField(member.getKey()) == null) {
                throw new SchemaMismatch(child(path, member.getKey()) + ": not a field of record " + s.getFullName());
            }
        }
        for (Schema.Field field : s.getFields()) {
            JsonNode value = n.get(field.name());
            if (value != null) {
                write(field.schema(), value, child(path, field.name()), e);
            } else if (field.hasDefaultValue()) {
                // the schema's own value, built once by Avro and cached there
                new GenericDatumWriter<>(field.schema()).write(GenericData.get().getDefaultValue(field), e);
            } else {
                throw new SchemaMismatch(child(path, field.name()) + ": missing, and the field has no default");
            }
        }
    }

    /** {@code null}, or {@code {"<branch>": value}} naming a branch by type name or (full) name. */
    private void union(Schema s, JsonNode n, String path, Encoder e) throws SchemaMismatch, IOException {
        List<Schema> branches = s.getTypes();
        if (n.isNull()) {
            Integer index = s.getIndexNamed(Schema.Type.NULL.getName());
            if (index == null) {
                throw new SchemaMismatch(path + ": null is not a branch of union " + names(branches));
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
                    write(branch, n.get(tag), child(path, tag), e);
                    return;
                }
            }
        }
        throw new SchemaMismatch(path + ": expected one of the union " + names(branches)
                + " as {\"<branch>\": value} or null, got " + kind(n));
    }

    /** A JSON string of code points 0 to 255, one byte each, as Avro's JSON encoding writes bytes. */
    private static byte[] octets(JsonNode n, String type, String path) throws SchemaMismatch {
        expect(n.isTextual(), type, n, path);
        String text = n.textValue();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new SchemaMismatch(path + ": " + type + " takes code points 0 to 255 only");
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void expect(boolean ok, String type, JsonNode n, String path) throws SchemaMismatch {
        if (!ok) {
            throw new SchemaMismatch(path + ": expected " + type + ", got " + kind(n));
        }
    }

    private static void inRange(boolean ok, String type, String path) throws SchemaMismatch {
        if (!ok) {
            throw new SchemaMismatch(path + ": number out of range for " + type);
        }
    }

    private static String kind(JsonNode n) {
        return n.isIntegralNumber() ? "integer" : n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String names(List<Schema> branches) {
        return branches.stream().map(Schema::getFullName).toList().toString();
    }

    /** A member of {@code path}; the client chooses names, so a long one is cut. */
    private static String child(String path, String name) {
        return path + "." + (name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME) + "...");
    }
}
