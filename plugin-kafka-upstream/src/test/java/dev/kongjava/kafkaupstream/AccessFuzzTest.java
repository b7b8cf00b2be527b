package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.ConfigFields;
import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.kafkaupstream.record.MediaType;
import dev.kongjava.pluginserver.pdk.PdkException;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.LocalInstance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fuzzed requests through the whole access phase of kafka-upstream (PDK conversions, the envelope
 * and its JSON, form, multipart and text body parsers, record building) into a MockProducer: every
 * request ends with exactly one {@code kong.response.exit}, 200 or a 400 naming the cause, never a
 * plugin exception (which Kong would turn into a 500). When the body is forwarded it arrives byte
 * for byte. Seeds in {@code AccessFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class AccessFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "\"bootstrap_servers\":[{\"host\":\"127.0.0.1\",\"port\":9}],\"topic\":\"t\"";
    /** Configs whose requests can never be a 400: nothing is parsed and no topic is chosen. */
    private static final List<String> NEVER_400 = List.of(
            "{" + BASE + ",\"message_format\":\"body\"}",
            "{" + BASE
                    + ",\"forward_body\":false,\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true}");

    private static final List<String> CONFIGS = List.of(
            "{" + BASE + "}",
            "{" + BASE
                    + ",\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true,\"producer_async\":false}",
            "{" + BASE + ",\"key_query_arg\":\"k\",\"topics_query_arg\":\"topics\",\"allowed_topics\":[\"a\",\"b\"]}",
            "{" + BASE
                    + ",\"headers\":{\"forward_all_by_default\":true,\"repeated_headers_behavior\":\"concatenate_by_comma\"}}",
            NEVER_400.get(0),
            NEVER_400.get(1));
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=XyZ",
            "multipart/form-data",
            "text/plain",
            "text/plain; charset=iso-8859-1",
            "text/html; charset=nope",
            "application/octet-stream",
            "APPLICATION/JSON",
            "",
            ";");
    private static final List<MockProducer<byte[], byte[]>> PRODUCERS = new ArrayList<>();
    private static final ProducerPool POOL = new ProducerPool(settings -> {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        PRODUCERS.add(producer);
        return producer;
    });
    private static final PluginDefinition<ConfigFields> DEFINITION = KafkaUpstreamPlugin.define(POOL);
    private static final ServerResources RESOURCES = KongWrites.resources(POOL);
    private static final Map<String, LocalInstance<ConfigFields>> INSTANCES = new LinkedHashMap<>();

    @FuzzTest(maxDuration = "5m")
    void everyRequestEndsWithOneExitOf200OrANamed400AndAForwardedBodyArrivesByteForByte(FuzzedDataProvider data)
            throws Exception {
        String config = data.pickValue(CONFIGS);
        FuzzedKong kong = new FuzzedKong(data);
        PRODUCERS.forEach(MockProducer::clear);
        try {
            instance(config).run(Phase.ACCESS, kong);
        } catch (PdkException afterExit) {
            // a call after exit fails fast, as RunningEvent makes it; the exit below is what counts
        } catch (Exception e) {
            fail("the plugin failed (Kong would answer 500) on " + kong.answers, e);
        }
        assertEquals(1, kong.exits.size(), "exits for one request: " + kong.exits);
        List<Object> exit = kong.exits.get(0);
        int status = ((Number) exit.get(0)).intValue();
        if (status == 400) {
            assertTrue(!NEVER_400.contains(config), "400 for a config that parses nothing: " + kong.answers);
            JsonNode body = JSON.readTree((String) exit.get(1));
            assertEquals("Bad Request", body.get("message").asText());
            assertTrue(
                    body.get("error").isTextual() && !body.get("error").asText().isEmpty(), body.toString());
            return;
        }
        assertEquals(200, status, "status for " + kong.answers + ": " + exit);
        assertEquals("{\"message\":\"message sent\"}", exit.get(1));
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        PRODUCERS.forEach(p -> sent.addAll(p.history()));
        assertTrue(!sent.isEmpty(), "a 200 without a record");
        assertBodyKept(config, sent.get(0).value(), kong);
    }

    private static LocalInstance<ConfigFields> instance(String config) throws Exception {
        LocalInstance<ConfigFields> instance = INSTANCES.get(config);
        if (instance == null) {
            instance = LocalInstance.start(DEFINITION, config, RESOURCES);
            INSTANCES.put(config, instance);
        }
        assertEquals(List.of(Phase.ACCESS), DEFINITION.phases());
        return instance;
    }

    /** The record carries the body exactly: raw in body format, else in body (base64 when flagged). */
    private static void assertBodyKept(String config, byte[] value, FuzzedKong kong) throws Exception {
        if (kong.body == null) {
            return; // forward_body off
        }
        if (config.contains("\"message_format\":\"body\"")) {
            assertArrayEquals(kong.body, value);
            return;
        }
        JsonNode message = JSON.readTree(value);
        assertTrue(message.isObject(), "the envelope is a JSON object");
        String charset = MediaType.parse(kong.contentType).charset();
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            return; // text in another charset is re-encoded to JSON's UTF-8 on purpose
        }
        String text = message.get("body").asText();
        byte[] carried = message.path("body_base64").asBoolean(false)
                ? Base64.getDecoder().decode(text)
                : text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(kong.body, carried, "body lost or changed: " + kong.answers);
    }

    /** Answers the plugin's PDK calls from fuzz data, as Kong 2.x or 3.x might. */
    private static final class FuzzedKong implements dev.kongjava.pluginserver.pdk.Bridge {
        final FuzzedDataProvider data;
        final List<List<Object>> exits = new ArrayList<>();
        final List<String> answers = new ArrayList<>();
        byte[] body;
        String contentType;

        FuzzedKong(FuzzedDataProvider data) {
            this.data = data;
        }

        @Override
        public Object call(String method, Object... args) {
            if (!exits.isEmpty()) {
                throw new PdkException(method, "the event already ended with kong.response.exit");
            }
            Object answer = switch (method) {
                case "kong.response.exit" -> {
                    exits.add(List.of(args));
                    yield null;
                }
                case "kong.request.get_header" -> {
                    contentType = contentType();
                    yield contentType;
                }
                case "kong.request.get_headers" -> headers();
                case "kong.request.get_raw_body" -> rawBody();
                case "kong.request.get_path_with_query" -> "/p?" + data.consumeString(40);
                case "kong.request.get_raw_query", "kong.request.get_method" -> data.consumeString(40);
                default -> data.consumeBoolean() ? null : data.consumeString(20);
            };
            answers.add(
                    method + " -> " + (answer instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : answer));
            return answer;
        }

        private String contentType() {
            return data.consumeInt(0, 5) == 0
                    ? null
                    : data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : data.consumeString(40);
        }

        private Map<String, Object> headers() {
            Map<String, Object> headers = new LinkedHashMap<>();
            contentType = contentType();
            if (contentType != null) {
                headers.put("content-type", List.of(contentType));
            }
            int n = data.consumeInt(0, 4);
            for (int i = 0; i < n; i++) {
                String name = data.consumeString(12);
                if (!name.equalsIgnoreCase("content-type")) {
                    headers.put(
                            name,
                            data.consumeBoolean()
                                    ? data.consumeString(20)
                                    : List.of(data.consumeString(20), data.consumeString(20)));
                }
            }
            return headers;
        }

        private Object rawBody() {
            byte[] bytes = data.consumeBytes(4096);
            if (data.consumeBoolean()) {
                String text = new String(bytes, StandardCharsets.UTF_8); // Kong 2.x sends bodies as str
                body = text.getBytes(StandardCharsets.UTF_8);
                return text;
            }
            body = bytes;
            return bytes;
        }
    }
}
