package dev.kongjava.kafkaupstream.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Avro's JSON encoding to its binary encoding, checked against Avro's own writer and reader. */
class AvroEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"shop","fields":[
              {"name":"id","type":"long"},
              {"name":"qty","type":"int"},
              {"name":"price","type":"double"},
              {"name":"weight","type":"float"},
              {"name":"paid","type":"boolean"},
              {"name":"item","type":"string"},
              {"name":"raw","type":"bytes"},
              {"name":"code","type":{"type":"fixed","name":"Code","size":2}},
              {"name":"colour","type":{"type":"enum","name":"Colour","symbols":["RED","GREEN"]}},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"attrs","type":{"type":"map","values":"long"}},
              {"name":"note","type":["null","string"],"default":null},
              {"name":"ship","type":["null",{"type":"record","name":"Address","fields":[
                {"name":"city","type":"string"}]}]},
              {"name":"nothing","type":"null"},
              {"name":"priority","type":"int","default":5},
              {"name":"labels","type":{"type":"array","items":"string"},"default":["new"]}]}""");

    private static byte[] encode(Schema schema, String json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AvroEncoder(schema, 0x01020304).write(JSON.readTree(json), json.getBytes(StandardCharsets.UTF_8), out);
        return out.toByteArray();
    }

    private static String mismatch(Schema schema, String json) {
        return assertThrows(SchemaMismatch.class, () -> encode(schema, json)).getMessage();
    }

    private static byte[] avroWriter(Schema schema, Object datum) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void everyTypeEncodesAsAvrosOwnWriterEncodesTheSameValueAfterTheWireFormatHeader() throws Exception {
        String json = """
                {"qty":3,"id":9007199254740993,"price":2.5,"weight":1.25,"paid":true,"item":"pen ✓",\
                "raw":"\\u0000\\u00ff","code":"ab","colour":"GREEN","tags":["a","b"],"attrs":{"x":-2},\
                "note":{"string":"gift"},"ship":{"shop.Address":{"city":"Oslo"}},"nothing":null}""";
        GenericRecord expected = new GenericData.Record(ORDER);
        expected.put("id", 9007199254740993L);
        expected.put("qty", 3);
        expected.put("price", 2.5);
        expected.put("weight", 1.25f);
        expected.put("paid", true);
        expected.put("item", "pen ✓");
        expected.put("raw", ByteBuffer.wrap(new byte[] {0, (byte) 0xff}));
        expected.put("code", new GenericData.Fixed(ORDER.getField("code").schema(), new byte[] {'a', 'b'}));
        expected.put(
                "colour", new GenericData.EnumSymbol(ORDER.getField("colour").schema(), "GREEN"));
        expected.put("tags", List.of("a", "b"));
        expected.put("attrs", Map.of("x", -2L));
        expected.put("note", "gift");
        GenericRecord address = new GenericData.Record(
                ORDER.getField("ship").schema().getTypes().get(1));
        address.put("city", "Oslo");
        expected.put("ship", address);
        expected.put("nothing", null);
        expected.put("priority", 5);
        expected.put("labels", List.of("new"));

        byte[] framed = encode(ORDER, json);

        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, Arrays.copyOf(framed, 5));
        byte[] payload = Arrays.copyOfRange(framed, 5, framed.length);
        assertArrayEquals(avroWriter(ORDER, expected), payload);
        assertEquals(
                expected.toString(),
                new GenericDatumReader<>(ORDER)
                        .read(null, DecoderFactory.get().binaryDecoder(payload, null))
                        .toString());
    }

    @Test
    void aScalarSchemaTakesAScalarDocument() throws Exception {
        Schema string = Schema.create(Schema.Type.STRING);
        assertArrayEquals(avroWriter(string, "alice"), Arrays.copyOfRange(encode(string, "\"alice\""), 5, 11));
        Schema union = new Schema.Parser().parse("[\"null\",\"long\"]");
        assertArrayEquals(avroWriter(union, null), Arrays.copyOfRange(encode(union, "null"), 5, 6));
        assertArrayEquals(avroWriter(union, 7L), Arrays.copyOfRange(encode(union, "{\"long\":7}"), 5, 7));
    }

    @Test
    void eachMismatchNamesItsJsonPathAndWhatWasExpected() {
        String valid = "{\"qty\":3,\"id\":1,\"price\":2.5,\"weight\":1,\"paid\":true,\"item\":\"p\",\"raw\":\"\","
                + "\"code\":\"ab\",\"colour\":\"RED\",\"tags\":[],\"attrs\":{},\"ship\":null,\"nothing\":null}";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(valid.replace("\"id\":1", "\"id\":\"1\""), "$.id: expected long, got string");
        cases.put(valid.replace("\"id\":1", "\"id\":1.5"), "$.id: expected long, got number");
        cases.put(valid.replace("\"id\":1", "\"id\":9223372036854775808"), "$.id: number out of range for long");
        cases.put(valid.replace("\"qty\":3", "\"qty\":2147483648"), "$.qty: number out of range for int");
        cases.put(valid.replace("\"weight\":1", "\"weight\":1e39"), "$.weight: number out of range for float");
        cases.put(valid.replace("\"paid\":true", "\"paid\":\"yes\""), "$.paid: expected boolean, got string");
        cases.put(valid.replace("\"raw\":\"\"", "\"raw\":\"Ā\""), "$.raw: bytes takes code points 0 to 255 only");
        cases.put(valid.replace("\"code\":\"ab\"", "\"code\":\"abc\""), "$.code: fixed shop.Code needs 2 bytes, got 3");
        cases.put(
                valid.replace("\"colour\":\"RED\"", "\"colour\":\"BLUE\""),
                "$.colour: not a symbol of enum shop.Colour");
        cases.put(valid.replace("\"tags\":[]", "\"tags\":[\"a\",7]"), "$.tags[1]: expected string, got integer");
        cases.put(valid.replace("\"attrs\":{}", "\"attrs\":{\"k\":true}"), "$.attrs.k: expected long, got boolean");
        cases.put(
                valid.replace("\"ship\":null", "\"ship\":{\"city\":\"Oslo\"}"),
                "$.ship: expected one of the union "
                        + "[null, shop.Address] as {\"<branch>\": value} or null, got object");
        cases.put(
                valid.replace("\"ship\":null", "\"ship\":{\"Address\":{\"town\":\"x\"}}"),
                "$.ship.Address.town: not a field of record shop.Address");
        cases.put(valid.replace("\"nothing\":null", "\"nothing\":0"), "$.nothing: expected null, got integer");
        cases.put(valid.replace("\"item\":\"p\",", ""), "$.item: missing, and the field has no default");
        cases.put(
                valid.replace("\"id\":1", "\"id\":1,\"" + "x".repeat(60) + "\":0"),
                "$." + "x".repeat(40) + "...: not a field of record shop.Order");
        cases.put("[1]", "$: expected record shop.Order, got array");
        cases.forEach((json, message) -> assertEquals(message, mismatch(ORDER, json), json));
        Schema noNull = new Schema.Parser().parse("[\"int\",\"string\"]");
        assertEquals("$: null is not a branch of union [int, string]", mismatch(noNull, "null"));
    }
}
