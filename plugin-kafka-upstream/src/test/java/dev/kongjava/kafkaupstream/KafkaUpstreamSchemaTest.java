package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.ConfigFields;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.kafkaupstream.record.RequestReader;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.server.Main;
import dev.kongjava.testkit.KongMetaschema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The seed's names, types, defaults and rules (spec A1), and what Kong will say about the schema. */
class KafkaUpstreamSchemaTest {
    static final String MINIMAL = "{\"bootstrap_servers\":[{\"host\":\"localhost\",\"port\":9092}],\"topic\":\"t\"";

    private static ConfigFields read(String json) {
        return KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json);
    }

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> read(json)).getMessage();
    }

    @Test
    void everySeedFieldHasTheSeedsDefault() {
        ConfigFields c = read(MINIMAL + "}");
        assertEquals(10000, c.timeout());
        assertEquals(60000, c.keepalive());
        assertEquals(null, c.authentication().strategy());
        assertEquals(null, c.authentication().mechanism());
        assertEquals(false, c.authentication().tokenauth());
        assertEquals(false, c.security().ssl());
        assertEquals(null, c.security().certificateId());
        assertEquals(
                List.of(false, false, false, true),
                List.of(c.forwardMethod(), c.forwardUri(), c.forwardHeaders(), c.forwardBody()));
        assertEquals(1, c.producerRequestAcks());
        assertEquals(2000, c.producerRequestTimeout());
        assertEquals(200, c.producerRequestLimitsMessagesPerRequest());
        assertEquals(1048576, c.producerRequestLimitsBytesPerRequest());
        assertEquals(10, c.producerRequestRetriesMaxAttempts());
        assertEquals(100, c.producerRequestRetriesBackoffTimeout());
        assertEquals(true, c.producerAsync());
        assertEquals(1000, c.producerAsyncFlushTimeout());
        assertEquals(50000, c.producerAsyncBufferingLimitsMessagesInMemory());
    }

    @Test
    void invalidConfigsNameFieldValueAndRule() {
        assertEquals(
                "Invalid configuration of plugin kafka-upstream: at least one of these attributes must be true: "
                        + "forward_method, forward_uri, forward_headers, forward_body",
                error(MINIMAL + ",\"forward_body\":false}"));
        assertEquals(
                "Invalid value null for configuration authentication.user of plugin kafka-upstream: required field "
                        + "missing (failed conditional validation given value of field 'config.authentication.mechanism')",
                error(MINIMAL + ",\"authentication\":{\"strategy\":\"sasl\","
                        + "\"mechanism\":\"PLAIN\",\"password\":\"x\"}}"));
        assertEquals(
                "Invalid value [hidden] for configuration authentication.password of plugin kafka-upstream: expected "
                        + "a string",
                error(MINIMAL + ",\"authentication\":{\"password\":5}}"));
        assertEquals(
                "Invalid value \"GSSAPI\" for configuration authentication.mechanism of plugin kafka-upstream: expected "
                        + "one of: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER",
                error(MINIMAL + ",\"authentication\":{\"mechanism\":\"GSSAPI\"}}"));
        assertEquals(
                "Invalid value false for configuration security.ssl of plugin kafka-upstream: value must be true "
                        + "(failed conditional validation given value of field 'config.security.certificate_id')",
                error(MINIMAL + ",\"security\":{\"certificate_id\":\"6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e\"}}"));
        assertEquals(
                "Invalid value \"PLAIN\" for configuration authentication.mechanism of plugin kafka-upstream: expected "
                        + "one of: SCRAM-SHA-256, SCRAM-SHA-512 (failed conditional validation given value of field "
                        + "'config.authentication.tokenauth')",
                error(MINIMAL + ",\"authentication\":{\"strategy\":"
                        + "\"sasl\",\"mechanism\":\"PLAIN\",\"tokenauth\":true,\"user\":\"u\",\"password\":\"p\"}}"));
        assertEquals(
                "Invalid value 2 for configuration producer_request_acks of plugin kafka-upstream: expected one of: "
                        + "-1, 0, 1",
                error(MINIMAL + ",\"producer_request_acks\":2}"));
        assertEquals(
                "Invalid value 70000 for configuration bootstrap_servers[1].port of plugin kafka-upstream: value "
                        + "should be between 0 and 65535",
                error("{\"bootstrap_servers\":[{\"host\":\"h\",\"port\":70000}],\"topic\":\"t\"}"));
        assertEquals(
                "Invalid value null for configuration topic of plugin kafka-upstream: required field missing",
                error("{\"bootstrap_servers\":[{\"host\":\"h\",\"port\":1}]}"));
    }

    /**
     * What Kong loads, pinned: a change to a field rule or an entity check shows in the diff of
     * {@code golden/kafka-upstream-schema.json} (regenerate with {@code -Dgolden.write=true}).
     */
    @Test
    void theSchemaInTheDumpIsTheGoldenFile() throws Exception {
        String schema = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(dumpedSchema()) + "\n";
        Path golden = Path.of("src/test/resources/golden/kafka-upstream-schema.json");
        if (Boolean.getBoolean("golden.write")) {
            Files.writeString(golden, schema);
        }
        assertEquals(Files.readString(golden), schema);
    }

    @Test
    void theDumpedSchemaPassesKongsMetaschemaRules() throws Exception {
        assertEquals(List.of(), KongMetaschema.checkSubSchema(dumpedSchema()));
    }

    /** The plugin's {@code Schema} in the {@code --dump} Kong reads. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> dumpedSchema() throws Exception {
        Map<String, Object> dump = new ObjectMapper().readValue(Main.dump(KafkaUpstreamPlugin.definition()), Map.class);
        return (Map<String, Object>)
                ((List<Map<String, Object>>) dump.get("Plugins")).get(0).get("Schema");
    }

    @Test
    void theSeedsAdminApiExampleIsAccepted() {
        // the config of the seed's "Enable on a service-less route" example, as Kong stores it
        ConfigFields c =
                read("{\"bootstrap_servers\":[{\"host\":\"localhost\",\"port\":9092}],\"topic\":\"kong-upstream\","
                        + "\"timeout\":10000,\"keepalive\":60000,\"forward_method\":false,\"forward_uri\":false,"
                        + "\"forward_headers\":false,\"forward_body\":true,\"producer_request_acks\":1,"
                        + "\"producer_request_timeout\":2000,\"producer_request_limits_messages_per_request\":200,"
                        + "\"producer_request_limits_bytes_per_request\":1048576,\"producer_request_retries_max_attempts\":10,"
                        + "\"producer_request_retries_backoff_timeout\":100,\"producer_async\":true,"
                        + "\"producer_async_flush_timeout\":1000,\"producer_async_buffering_limits_messages_in_memory\":50000,"
                        + "\"authentication\":{\"strategy\":null,\"mechanism\":null,\"tokenauth\":false,\"user\":null,\"password\":null},"
                        + "\"security\":{\"ssl\":false,\"certificate_id\":null},\"route_id\":\"r\",\"__seq__\":3}");
        assertEquals(Set.of(new ConfigFields.Server("localhost", 9092)), c.bootstrapServers());
    }

    @Test
    void invalidCombinationsOfTheNewFieldsAreNamed() {
        assertEquals(
                "Invalid value null for configuration topics_query_arg of plugin kafka-upstream: required field "
                        + "missing (failed conditional validation given value of field 'config.allowed_topics')",
                error(MINIMAL + ",\"allowed_topics\":[\"a\"]}"));
        assertEquals(
                "Invalid value false for configuration producer_async of plugin kafka-upstream: value must be true "
                        + "(failed conditional validation given value of field 'config.producer_async_health_gating')",
                error(MINIMAL + ",\"producer_async\":false,\"producer_async_health_gating\":true}"));
        assertEquals(
                "Invalid value false for configuration security.ssl of plugin kafka-upstream: value must be true "
                        + "(failed conditional validation given value of field 'config.security.ca_certificates')",
                error(MINIMAL + ",\"security\":{\"ca_certificates\":[\"8e2c6a10-3b7d-4f55-9a1e-5c4d3b2a1f00\"]}}"));
        assertEquals(
                "Invalid value \"brotli\" for configuration compression_type of plugin kafka-upstream: expected one of: "
                        + "none, gzip, snappy, lz4, zstd",
                error(MINIMAL + ",\"compression_type\":\"brotli\"}"));
        assertEquals(
                "Invalid value \"sometimes\" for configuration headers.repeated_headers_behavior of plugin "
                        + "kafka-upstream: expected one of: retain_duplicates, take_first, concatenate_by_comma",
                error(MINIMAL + ",\"headers\":{\"repeated_headers_behavior\":\"sometimes\"}}"));
        assertEquals(
                "Invalid value 0 for configuration producer_async_health_failure_threshold of plugin kafka-upstream: "
                        + "value should be between 1 and 100",
                error(MINIMAL + ",\"producer_async_health_failure_threshold\":0}"));
    }

    @Test
    void topicNamesKafkaCannotAcceptAreRefusedWithKafkasRule() {
        String rule =
                "must be a Kafka topic name: 1 to 249 ASCII letters, digits, '.', '_' or '-', and not '.' or '..'";
        String base = "{\"bootstrap_servers\":[{\"host\":\"localhost\",\"port\":9092}]";
        assertEquals(
                "Invalid value \"a/b\" for configuration topic of plugin kafka-upstream: " + rule,
                error(base + ",\"topic\":\"a/b\"}"));
        assertEquals(
                "Invalid value \"..\" for configuration topic of plugin kafka-upstream: " + rule,
                error(base + ",\"topic\":\"..\"}"));
        assertEquals(
                "Invalid value \"" + "t".repeat(199) + "... (252 characters) for configuration topic of plugin "
                        + "kafka-upstream: " + rule,
                error(base + ",\"topic\":\"" + "t".repeat(250) + "\"}"));
        assertEquals(
                "Invalid value \"a b\" for configuration allowed_topics[2] of plugin kafka-upstream: " + rule,
                error(MINIMAL + ",\"topics_query_arg\":\"t\",\"allowed_topics\":[\"ok\",\"a b\"]}"));
        assertEquals(
                "t".repeat(249),
                read(base + ",\"topic\":\"" + "t".repeat(249) + "\"}").topic());
        assertEquals(
                "Orders_2024.v-1",
                read(base + ",\"topic\":\"Orders_2024.v-1\"}").topic());
    }

    @Test
    void aBrokerHostWithACommaOrSpaceIsRefusedAndEveryAcceptedHostIsOneKafkaAddress() {
        String rule =
                "must be a host name or an IP address: ASCII letters, digits, '.', '-', '_', ':' and '%', an IPv6 "
                        + "address optionally in brackets (a comma would split bootstrap.servers)";
        for (String host : List.of("a,b", "a b", "kafka:1,b", "h/x")) {
            assertEquals(
                    "Invalid value \"" + host + "\" for configuration bootstrap_servers[1].host of plugin "
                            + "kafka-upstream: " + rule,
                    error("{\"bootstrap_servers\":[{\"host\":\"" + host + "\",\"port\":1}]," + "\"topic\":\"t\"}"));
        }
        Map<String, String> addresses = Map.of(
                "kafka-1.internal",
                "kafka-1.internal:9092",
                "10.0.0.1",
                "10.0.0.1:9092",
                "::1",
                "[::1]:9092",
                "[::1]",
                "[::1]:9092",
                "fe80::1%eth0",
                "[fe80::1%eth0]:9092",
                "a:b]",
                "a:b]:9092");
        addresses.forEach((host, address) -> {
            ConfigFields c =
                    read("{\"bootstrap_servers\":[{\"host\":\"" + host + "\",\"port\":9092}],\"topic\":\"t\"}");
            assertEquals(List.of(address), KafkaUpstreamConfig.from(c).bootstrapServers());
            // Kafka's own parser reads it as that one host and port
            assertEquals(host.replace("[", "").replace("]", ""), Utils.getHost(address));
            assertEquals(9092, Utils.getPort(address));
        });
    }

    @Test
    void roundTripsPerRequestFollowTheConfigAndTheDefaultNeedsThree() {
        java.util.function.Function<String, Integer> trips =
                extra -> RequestReader.of(KafkaUpstreamConfig.from(read(MINIMAL + extra + "}")))
                        .roundTrips();
        assertEquals(3, trips.apply(""));
        assertEquals(4, trips.apply(",\"forward_method\":true"));
        assertEquals(4, trips.apply(",\"forward_uri\":true"));
        assertEquals(3, trips.apply(",\"forward_headers\":true"));
        assertEquals(5, trips.apply(",\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true"));
        assertEquals(2, trips.apply(",\"forward_body\":false,\"forward_method\":true"));
        assertEquals(4, trips.apply(",\"key_query_arg\":\"k\""));
        assertEquals(4, trips.apply(",\"forward_uri\":true,\"key_query_arg\":\"k\""));
        assertEquals(3, trips.apply(",\"message_format\":\"body\""));
        assertEquals(3, trips.apply(",\"headers\":{\"include_headers\":[\"x-id\"]}"));
    }

    @Test
    void theCallsReadAheadAreTheCallsTheRequestMakesWhateverKongAnswers() {
        Map<String, Object> kong = Map.of(
                "kong.request.get_method",
                "POST",
                "kong.request.get_path_with_query",
                "/p?k=1",
                "kong.request.get_raw_query",
                "k=1",
                "kong.request.get_headers",
                Map.of("content-type", List.of("application/json")),
                "kong.request.get_header",
                "application/json",
                "kong.request.get_raw_body",
                new byte[] {'{', '}'});
        for (String extra : List.of(
                "",
                ",\"forward_method\":true",
                ",\"forward_uri\":true",
                ",\"forward_headers\":true",
                ",\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true",
                ",\"forward_body\":false,\"forward_uri\":true",
                ",\"key_query_arg\":\"k\"",
                ",\"message_format\":\"body\"",
                ",\"headers\":{\"include_headers\":[\"x-id\"]}",
                ",\"key_header\":\"x-key\"",
                ",\"key_uri_capture\":\"customer\"",
                ",\"partition_query_arg\":\"p\"",
                ",\"partition_header\":\"x-p\",\"forward_uri\":true",
                ",\"key_json_pointer\":\"/id\",\"batch_json_array\":true",
                ",\"forward_body\":false,\"forward_method\":true,\"key_json_pointer\":\"/id\"")) {
            RequestReader reader = RequestReader.of(KafkaUpstreamConfig.from(read(MINIMAL + extra + "}")));
            List<String> readAhead = calls(reader, method -> null); // what the server records at StartInstance
            assertEquals(calls(reader, kong::get), readAhead, extra);
            assertEquals(reader.roundTrips() - 1, readAhead.size(), extra);
        }
    }

    /** The calls {@code reader} makes, as "method args", when Kong answers each with {@code answer}. */
    private static List<String> calls(RequestReader reader, java.util.function.Function<String, Object> answer) {
        List<String> calls = new ArrayList<>();
        reader.read(Kong.over((method, args) -> {
            calls.add(method + " " + Arrays.toString(args));
            return answer.apply(method);
        }));
        return calls;
    }

    /** Each way to place a record costs a round trip only when it is on, and none when its data is read anyway. */
    @Test
    void keyAndPartitionSourcesCostARoundTripOnlyWhenTheyNeedOne() {
        java.util.function.Function<String, Integer> trips =
                extra -> RequestReader.of(KafkaUpstreamConfig.from(read(MINIMAL + extra + "}")))
                        .roundTrips();
        assertEquals(3, trips.apply(",\"key_header\":\"x-key\""), "all headers in the call that read the content type");
        assertEquals(3, trips.apply(",\"key_header\":\"x-key\",\"partition_header\":\"x-partition\""));
        assertEquals(4, trips.apply(",\"key_uri_capture\":\"customer\""));
        assertEquals(3, trips.apply(",\"key_json_pointer\":\"/id\""));
        assertEquals(4, trips.apply(",\"partition_query_arg\":\"p\""));
        assertEquals(4, trips.apply(",\"forward_uri\":true,\"partition_query_arg\":\"p\""));
        assertEquals(4, trips.apply(",\"forward_body\":false,\"forward_method\":true,\"key_json_pointer\":\"/id\""));
        assertEquals(
                3, trips.apply(",\"batch_json_array\":true,\"producer_async\":false,\"return_record_metadata\":true"));
    }

    @Test
    void theNewKeyPartitionBatchAndOAuthFieldsRefuseWhatCannotWork() {
        assertEquals(
                "Invalid configuration of plugin kafka-upstream: only one or none of these fields must be set: "
                        + "'config.key_query_arg', 'config.key_header', 'config.key_uri_capture', 'config.key_json_pointer'",
                error(MINIMAL + ",\"key_query_arg\":\"k\",\"key_header\":\"x-key\"}"));
        assertEquals(
                "Invalid configuration of plugin kafka-upstream: only one or none of these fields must be set: "
                        + "'config.partition_query_arg', 'config.partition_header'",
                error(MINIMAL + ",\"partition_query_arg\":\"p\",\"partition_header\":\"x-p\"}"));
        assertEquals(
                "Invalid value \"id\" for configuration key_json_pointer of plugin kafka-upstream: must be a JSON "
                        + "pointer (RFC 6901) starting with '/'",
                error(MINIMAL + ",\"key_json_pointer\":\"id\"}"));
        assertEquals(
                "Invalid value true for configuration producer_async of plugin kafka-upstream: value must be false "
                        + "(failed conditional validation given value of field 'config.return_record_metadata')",
                error(MINIMAL + ",\"return_record_metadata\":true}"));
        assertEquals(
                "Invalid value false for configuration forward_body of plugin kafka-upstream: value must be true "
                        + "(failed conditional validation given value of field 'config.batch_json_array')",
                error(MINIMAL + ",\"batch_json_array\":true,\"forward_body\":false,\"forward_uri\":true}"));
        assertEquals(
                "Invalid value 0 for configuration batch_max_records of plugin kafka-upstream: value should be "
                        + "between 1 and 10000",
                error(MINIMAL + ",\"batch_max_records\":0}"));
        String oauth = ",\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"OAUTHBEARER\",\"oauthbearer\":{";
        assertEquals(
                "Invalid value null for configuration authentication.oauthbearer.token_endpoint_url of plugin "
                        + "kafka-upstream: required field missing (failed conditional validation given value of field "
                        + "'config.authentication.mechanism')",
                error(MINIMAL + oauth + "\"client_id\":\"c\",\"client_secret\":\"s\"}}}"));
        assertEquals(
                "Invalid value [hidden] for configuration authentication.oauthbearer.client_secret of plugin "
                        + "kafka-upstream: length must be at least 1",
                error(MINIMAL + oauth + "\"client_secret\":\"\"}}}"));
        assertEquals(
                "Invalid value \"ftp://idp/token\" for configuration authentication.oauthbearer.token_endpoint_url "
                        + "of plugin kafka-upstream: must be an http:// or https:// URL",
                error(MINIMAL + oauth + "\"token_endpoint_url\":\"ftp://idp/token\"}}}"));
        assertEquals(
                "Invalid value \"a b\" for configuration authentication.oauthbearer.scopes[1] of plugin "
                        + "kafka-upstream: must be an OAuth scope: printable ASCII without spaces, '\"' or '\\'",
                error(MINIMAL + oauth + "\"scopes\":[\"a b\"]}}}"));
        assertEquals(
                "Invalid value \"auth\" for configuration authentication.oauthbearer.extensions of plugin "
                        + "kafka-upstream: must be a SASL extension name: ASCII letters, not 'auth'",
                error(MINIMAL + oauth + "\"extensions\":{\"auth\":\"x\"}}}}"));
        // OAUTHBEARER needs no user or password, PLAIN still does
        read(
                MINIMAL + oauth + "\"token_endpoint_url\":\"https://idp/token\",\"client_id\":\"c\","
                        + "\"client_secret\":\"s\",\"scopes\":[\"kafka\",\"a:b/c\"],\"extensions\":{\"logicalCluster\":\"lkc-1\"}}}}");
    }
}
