package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * present only when its forward flag is on. A pure function of the captured request.
 */
final class Envelope {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Parsed into body_args, raw body kept in body. */
    private static final Set<String> PARSED = Set.of(
            "application/x-www-form-urlencoded", "multipart/form-data", "application/json");
    /** Sent as text; every other type is base64-encoded. */
    private static final Set<String> TEXT = Set.of(
            "text/plain", "text/html", "application/xml", "text/xml", "application/soap+xml");

    private Envelope() {}

    /** The message bytes (UTF-8 JSON). */
    static byte[] build(CapturedRequest request, Forward forward) throws BadRequestBody {
        ObjectNode message = NODES.objectNode();
        if (forward.method()) {
            message.put("method", request.method());
        }
        if (forward.uri()) {
            message.put("uri", request.pathWithQuery());
            message.set("uri_args", args(FormCodec.decode(request.rawQuery())));
        }
        if (forward.headers()) {
            message.set("headers", headers(request));
        }
        if (forward.body()) {
            body(message, MediaType.parse(request.contentType()), request.body());
        }
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void body(ObjectNode message, MediaType type, byte[] body) throws BadRequestBody {
        if (type.type() == null && body.length == 0) {
            // what the original sent for a request without body and content type: keep it
            message.put("body", "");
            message.set("body_args", NODES.objectNode());
            message.put("body_base64", true);
            return;
        }
        if (type.type() != null && PARSED.contains(type.type())) {
            JsonNode args = body.length == 0 ? NODES.objectNode() : parse(type, body, message);
            text(message, body, StandardCharsets.UTF_8);
            message.set("body_args", args);
            return;
        }
        if (type.type() != null && TEXT.contains(type.type())) {
            Charset charset = type.charset() == null ? StandardCharsets.UTF_8 : type.knownCharset();
            text(message, body, charset);
        } else {
            base64(message, body);
        }
        message.set("body_args", NODES.objectNode());
    }

    /** The body as a JSON string when it decodes cleanly, else base64 with body_base64 (nothing is lost). */
    private static void text(ObjectNode message, byte[] body, Charset charset) {
        String decoded = charset == null ? null : decode(body, charset);
        if (decoded == null) {
            base64(message, body);
        } else {
            message.put("body", decoded);
        }
    }

    private static void base64(ObjectNode message, byte[] body) {
        message.put("body", Base64.getEncoder().encodeToString(body));
        message.put("body_base64", true);
    }

    private static JsonNode parse(MediaType type, byte[] body, ObjectNode message) throws BadRequestBody {
        switch (type.type()) {
            case "application/json" -> {
                try {
                    JsonNode value = JSON.readTree(body);
                    if (value == null || value.isMissingNode()) {
                        throw new BadRequestBody("could not parse the application/json body: no JSON value");
                    }
                    return value;
                } catch (JsonProcessingException e) {
                    throw new BadRequestBody("could not parse the application/json body: " + e.getOriginalMessage());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "application/x-www-form-urlencoded" -> {
                String text = decode(body, StandardCharsets.UTF_8);
                if (text == null) {
                    throw new BadRequestBody("could not parse the application/x-www-form-urlencoded body: not UTF-8");
                }
                return args(FormCodec.decode(text));
            }
            default -> {
                return multipart(Multipart.parse(body, type.boundary()), message);
            }
        }
    }

    private static ObjectNode multipart(Map<String, Object> fields, ObjectNode message) {
        ObjectNode args = NODES.objectNode();
        Set<String> binary = new LinkedHashSet<>();
        fields.forEach((name, value) -> {
            if (value instanceof List<?> list) {
                ArrayNode values = args.putArray(name);
                list.forEach(v -> values.add(partValue(name, (byte[]) v, binary)));
            } else {
                args.put(name, partValue(name, (byte[]) value, binary));
            }
        });
        if (!binary.isEmpty()) {
            // JSON cannot carry raw bytes: such parts are base64 and named here so nothing is ambiguous
            ArrayNode names = message.putArray("body_args_base64");
            binary.forEach(names::add);
        }
        return args;
    }

    private static String partValue(String name, byte[] content, Set<String> binary) {
        String text = decode(content, StandardCharsets.UTF_8);
        if (text != null) {
            return text;
        }
        binary.add(name);
        return Base64.getEncoder().encodeToString(content);
    }

    private static ObjectNode args(Map<String, Object> decoded) {
        ObjectNode node = NODES.objectNode();
        decoded.forEach((name, value) -> node.set(name, JSON.valueToTree(value)));
        return node;
    }

    private static ObjectNode headers(CapturedRequest request) {
        ObjectNode node = NODES.objectNode();
        request.headers().asMap().forEach((name, values) -> {
            if (values.size() == 1) {
                node.put(name, values.get(0));
            } else {
                ArrayNode array = node.putArray(name);
                values.forEach(array::add);
            }
        });
        return node;
    }

    /** Strict decoding: null when the bytes are not valid in {@code charset}. */
    static String decode(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
