package dev.kongjava.kafkaupstream.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.JsonPointerBasedFilter;
import com.fasterxml.jackson.core.filter.TokenFilter;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.RecordOptions;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where a request's records go within their topics: the key (from a query argument, a header, a
 * named capture of the route's path or a JSON pointer into the body, as configured; null otherwise)
 * and the partition, when the request names one. Without a partition Kafka's default partitioner
 * chooses: murmur2 of the key, or for a null key the sticky partition of the current batch.
 *
 * @param key the record key, or null
 * @param partition the partition, or null for Kafka's partitioner
 */
record Placement(byte[] key, Integer partition) {
    /** Digits of a partition number: Kafka's partitions are an int. */
    private static final int MAX_PARTITION_DIGITS = 10;

    /** @param query the parsed query string (empty unless a query argument is configured) */
    static Placement of(CapturedRequest request, Map<String, Object> query, KafkaUpstreamConfig c)
            throws BadRequestBody {
        RecordOptions o = c.options();
        String key = null;
        if (c.keyQueryArg() != null) {
            key = first(query.get(c.keyQueryArg()));
        } else if (o.keyHeader() != null) {
            key = header(request, o.keyHeader());
        } else if (o.keyUriCapture() != null) {
            key = request.uriCaptures() == null ? null : request.uriCaptures().get(o.keyUriCapture());
        } else if (o.keyJsonPointer() != null) {
            key = pointed(request, JsonPointer.compile(o.keyJsonPointer()));
        }
        Integer partition = null;
        if (o.partitionQueryArg() != null) {
            partition = partition(first(query.get(o.partitionQueryArg())), "query argument " + o.partitionQueryArg());
        } else if (o.partitionHeader() != null) {
            partition = partition(header(request, o.partitionHeader()), "header " + o.partitionHeader());
        }
        return new Placement(key == null ? null : key.getBytes(StandardCharsets.UTF_8), partition);
    }

    /** The first value of a query argument; absent (or a bare flag) is null, not empty bytes. */
    static String first(Object value) {
        List<?> values = value == null ? List.of() : value instanceof List<?> list ? list : List.of(value);
        for (Object v : values) {
            if (v instanceof String s) {
                return s;
            }
        }
        return null;
    }

    private static String header(CapturedRequest request, String name) {
        return request.headers() == null ? null : request.headers().first(name);
    }

    private static Integer partition(String text, String where) throws BadRequestBody {
        if (text == null) {
            return null;
        }
        String digits = text.strip();
        if (digits.isEmpty()
                || digits.length() > MAX_PARTITION_DIGITS
                || !digits.chars().allMatch(Character::isDigit)
                || Long.parseLong(digits) > Integer.MAX_VALUE) {
            throw new BadRequestBody(where + " must be a partition number (0 or more)");
        }
        return Integer.valueOf(digits);
    }

    /**
     * The value at {@code pointer} in a JSON body: a string as it is, any other value as its JSON
     * text, null when absent or JSON null (or when the body is not JSON). Read as a stream, skipping
     * everything off the pointer's path; a body that does not parse up to the value is the client's 400.
     */
    private static String pointed(CapturedRequest request, JsonPointer pointer) throws BadRequestBody {
        if (request.body() == null || !MediaType.parse(request.contentType()).is("application/json")) {
            return null;
        }
        var utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (JsonParser parser = new FilteringParserDelegate(
                Json.MAPPER
                        .getFactory()
                        .createParser(new InputStreamReader(new ByteArrayInputStream(request.body()), utf8)),
                new JsonPointerBasedFilter(pointer),
                TokenFilter.Inclusion.ONLY_INCLUDE_ALL,
                false)) {
            JsonToken token = parser.nextToken();
            if (token == null || token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token.isScalarValue()) { // a string's text, a number as written, true or false
                return parser.getText();
            }
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(json)) {
                g.copyCurrentStructure(parser);
            }
            return json.toString(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new BadRequestBody("could not parse the application/json body: " + e.getOriginalMessage());
        } catch (CharacterCodingException e) {
            throw new BadRequestBody("could not parse the application/json body: not UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
