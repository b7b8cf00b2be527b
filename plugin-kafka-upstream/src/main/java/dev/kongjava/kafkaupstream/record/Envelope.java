package dev.kongjava.kafkaupstream.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kongjava.kafkaupstream.config.Forward;
import dev.kongjava.kafkaupstream.json.Json;
import dev.kongjava.pluginserver.pdk.MultiMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the seed-compatible message: a JSON object with {@code method}, {@code uri},
 * {@code uri_args}, {@code headers}, {@code body}, {@code body_args} and {@code body_base64}, each
 * present only when its forward flag is on. A pure function of the captured request, written
 * straight into the output (a JSON body is copied token by token, never built as a tree).
 */
final class Envelope {
    /** Parsed into body_args, raw body kept in body. */
    private static final Set<String> PARSED =
            Set.of("application/x-www-form-urlencoded", "multipart/form-data", "application/json");
    /** Sent as text; every other type is base64-encoded. */
    private static final Set<String> TEXT =
            Set.of("text/plain", "text/html", "application/xml", "text/xml", "application/soap+xml");

    private Envelope() {}

    /** The message bytes (UTF-8 JSON), at most {@code limit} of them. */
    static byte[] build(CapturedRequest request, Forward forward, int limit) throws BadRequestBody, MessageTooLarge {
        int bodySize = request.body() == null ? 0 : request.body().length;
        BoundedOutput out = new BoundedOutput(256 + bodySize / 3 * 4, limit); // base64 is the common worst
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (forward.method()) {
                g.writeStringField("method", request.method());
            }
            if (forward.uri()) {
                g.writeStringField("uri", request.pathWithQuery());
                g.writeFieldName("uri_args");
                writeArgs(g, FormCodec.decode(request.rawQuery()));
            }
            if (forward.headers()) {
                g.writeFieldName("headers");
                writeHeaders(g, request.headers());
            }
            if (forward.body()) {
                body(g, MediaType.parse(request.contentType()), request.body());
            }
            g.writeEndObject();
        } catch (BoundedOutput.Overflow e) {
            throw MessageTooLarge.message(limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes();
    }

    private static void body(JsonGenerator g, MediaType type, byte[] body) throws IOException, BadRequestBody {
        if (type.type() == null && body.length == 0) {
            // what the original sent for a request without body and content type: keep it
            g.writeStringField("body", "");
            emptyBodyArgs(g);
            g.writeBooleanField("body_base64", true);
            return;
        }
        if (type.type() != null && PARSED.contains(type.type())) {
            String utf8 = decode(body, StandardCharsets.UTF_8); // once: the parsers and the body field share it
            if (body.length == 0) {
                emptyBodyArgs(g);
            } else {
                g.writeFieldName("body_args");
                parsed(g, type, body, utf8);
            }
            writeBody(g, body, utf8);
            return;
        }
        if (type.type() != null && TEXT.contains(type.type())) {
            text(g, body, type.charset() == null ? StandardCharsets.UTF_8 : type.knownCharset());
        } else {
            base64(g, body);
        }
        emptyBodyArgs(g);
    }

    /** {@code "body_args": {}}, as the original sent when there was nothing to parse. */
    private static void emptyBodyArgs(JsonGenerator g) throws IOException {
        g.writeFieldName("body_args");
        g.writeStartObject();
        g.writeEndObject();
    }

    /** The body as a JSON string when it decodes cleanly, else base64 with body_base64 (nothing is lost). */
    private static void text(JsonGenerator g, byte[] body, Charset charset) throws IOException {
        writeBody(g, body, charset == null ? null : decode(body, charset));
    }

    /** {@code decoded} is the body as text, or null when it did not decode: then it goes as base64. */
    private static void writeBody(JsonGenerator g, byte[] body, String decoded) throws IOException {
        if (decoded == null) {
            base64(g, body);
        } else {
            g.writeStringField("body", decoded);
        }
    }

    private static void base64(JsonGenerator g, byte[] body) throws IOException {
        g.writeStringField("body", Base64.getEncoder().encodeToString(body));
        g.writeBooleanField("body_base64", true);
    }

    /**
     * Writes body_args' value; a body that does not parse as its type is a {@link BadRequestBody}.
     * {@code utf8} is the body decoded as strict UTF-8, or null when it is not.
     */
    private static void parsed(JsonGenerator g, MediaType type, byte[] body, String utf8)
            throws IOException, BadRequestBody {
        switch (type.type()) {
            case "application/json" -> copyJson(g, utf8);
            case "application/x-www-form-urlencoded" -> {
                if (utf8 == null) {
                    throw new BadRequestBody("could not parse the application/x-www-form-urlencoded body: not UTF-8");
                }
                writeArgs(g, FormCodec.decode(utf8));
            }
            default -> multipart(g, Multipart.parse(body, type.boundary()));
        }
    }

    /**
     * JSON is UTF-8 (RFC 8259): decode strictly first, so Jackson never guesses UTF-16/32 from NUL
     * bytes, and every failure to parse is the client's 400.
     */
    private static void copyJson(JsonGenerator g, String text) throws IOException, BadRequestBody {
        if (text == null) {
            throw new BadRequestBody("could not parse the application/json body: not UTF-8");
        }
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            if (parser.nextToken() == null) {
                throw new BadRequestBody("could not parse the application/json body: no JSON value");
            }
            g.copyCurrentStructure(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new BadRequestBody(
                        "could not parse the application/json body: trailing content after the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw new BadRequestBody("could not parse the application/json body: " + e.getOriginalMessage());
        }
    }

    private static void multipart(JsonGenerator g, Map<String, Object> fields) throws IOException {
        Set<String> binary = new LinkedHashSet<>();
        g.writeStartObject();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            g.writeFieldName(field.getKey());
            if (field.getValue() instanceof List<?> list) {
                g.writeStartArray();
                for (Object v : list) {
                    g.writeString(partValue(field.getKey(), (byte[]) v, binary));
                }
                g.writeEndArray();
            } else {
                g.writeString(partValue(field.getKey(), (byte[]) field.getValue(), binary));
            }
        }
        g.writeEndObject();
        if (!binary.isEmpty()) {
            // JSON cannot carry raw bytes: such parts are base64 and named here so nothing is ambiguous
            g.writeArrayFieldStart("body_args_base64");
            for (String name : binary) {
                g.writeString(name);
            }
            g.writeEndArray();
        }
    }

    private static String partValue(String name, byte[] content, Set<String> binary) {
        String text = decode(content, StandardCharsets.UTF_8);
        if (text != null) {
            return text;
        }
        binary.add(name);
        return Base64.getEncoder().encodeToString(content);
    }

    /** Query or form arguments: a string, true for a bare flag, or an array of those. */
    private static void writeArgs(JsonGenerator g, Map<String, Object> args) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> arg : args.entrySet()) {
            g.writeFieldName(arg.getKey());
            if (arg.getValue() instanceof List<?> list) {
                g.writeStartArray();
                for (Object v : list) {
                    writeArg(g, v);
                }
                g.writeEndArray();
            } else {
                writeArg(g, arg.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeArg(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString((String) value);
        }
    }

    /** Lower-case names; one value as a string, repeated ones as an array. */
    private static void writeHeaders(JsonGenerator g, MultiMap headers) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, List<String>> header : headers.asMap().entrySet()) {
            List<String> values = header.getValue();
            if (values.size() == 1) {
                g.writeStringField(header.getKey(), values.get(0));
            } else {
                g.writeArrayFieldStart(header.getKey());
                for (String v : values) {
                    g.writeString(v);
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    /** Strict decoding: null when the bytes are not valid in {@code charset}. */
    static String decode(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
