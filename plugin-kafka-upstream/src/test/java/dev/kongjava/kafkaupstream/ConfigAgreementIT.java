package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kongjava.kafkaupstream.config.OAuthBearer;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.testkit.Prerequisites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random kafka-upstream configs, each written to Kong (the Lua peer's validation with the schema of
 * the real dump) and started (StartInstance's validation and handler factory, in this process).
 * A config Kong accepts never fails StartInstance for a reason Kong could have checked: the only
 * refusal allowed after Kong's acceptance is the one rule Kong's schema language cannot express
 * (all forward_* flags false), or a check across fields that Kong skipped because one of them held
 * a vault reference. Kong may refuse configs StartInstance tolerates, but only for what Kong is
 * stricter about (empty strings, unknown fields, a null record); the generator marks those.
 */
class ConfigAgreementIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONFIGS = 600;
    private static final long SEED = 0x5EED_C0DEL;
    /** About four fields of the 68 below change per config. */
    private static final double MUTATION_RATE = 0.055;
    /** The token endpoint the generated OAUTHBEARER configs name, allowed in this JVM as --oauth-allowed-urls would. */
    private static final String TOKEN_URL = "https://idp.example/token";

    private static final String FORWARD_RULE = "Invalid configuration of plugin kafka-upstream: at least one of these "
            + "attributes must be true: forward_method, forward_uri, forward_headers, forward_body";
    private static final String UUID = "8e2c6a10-3b7d-4f55-9a1e-5c4d3b2a1f00";

    /** A value Kong refuses and StartInstance tolerates. */
    private record KongOnly(Object value) {}

    /**
     * A vault reference: Kong skips every check across fields while one of them holds a reference
     * (it resolves it only later), so StartInstance, which gets the resolved value, may refuse alone.
     */
    private record Reference(Object value) {}

    /** A value to put at a dotted path; {@code ABSENT} removes the key. */
    private record Choice(String path, List<Object> values) {}

    private static final Object ABSENT = new Object();
    private static final List<Object> INTS =
            Arrays.asList(1, 0, -1, 100, 10000, 2147483647, 2147483648L, 1.5, 2.0, "7", null);
    private static final List<Object> BOOLS = Arrays.asList(true, false, null, "true");
    private static final List<Choice> CHOICES = List.of(
            new Choice(
                    "bootstrap_servers",
                    Arrays.asList(
                            List.of(),
                            List.of(server("kafka-1", 9092), server("::1", 1)),
                            List.of(server("a,b", 9092)),
                            List.of(server("h o", 9092)),
                            List.of(server("[::1]", 65535)),
                            List.of(server("localhost", 70000)),
                            List.of(Map.of("host", "localhost")),
                            List.of(server("", 1)),
                            "localhost:9092",
                            null)),
            new Choice(
                    "topic",
                    Arrays.asList(
                            "orders.v1", "a/b", "..", ".", "", "x".repeat(249), "x".repeat(250), "ü", 5, null, ABSENT)),
            new Choice("timeout", INTS),
            new Choice("keepalive", INTS),
            new Choice("producer_request_timeout", INTS),
            new Choice("producer_request_limits_messages_per_request", INTS),
            new Choice(
                    "producer_request_limits_bytes_per_request", Arrays.asList(1024, 1023, 1048576, 2147483647, null)),
            new Choice("producer_request_retries_max_attempts", INTS),
            new Choice("producer_request_retries_backoff_timeout", INTS),
            new Choice("producer_async_flush_timeout", INTS),
            new Choice("producer_async_buffering_limits_messages_in_memory", INTS),
            new Choice("producer_request_acks", Arrays.asList(-1, 0, 1, 2, "1", null)),
            new Choice("producer_async", BOOLS),
            new Choice("forward_method", BOOLS),
            new Choice("forward_uri", BOOLS),
            new Choice("forward_headers", BOOLS),
            new Choice("forward_body", BOOLS),
            new Choice("authentication.strategy", Arrays.asList("sasl", "sasl", "kerberos", "", null)),
            new Choice(
                    "authentication.mechanism",
                    Arrays.asList("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI", null)),
            new Choice("authentication.tokenauth", BOOLS),
            new Choice("authentication.user", Arrays.asList("u", "u", new KongOnly(""), null)),
            new Choice("authentication.password", Arrays.asList("p", "p", new KongOnly(""), 5, null)),
            new Choice("security.ssl", BOOLS),
            new Choice("security.certificate_id", Arrays.asList(UUID, "nope", null)),
            new Choice("security.ssl_verify", BOOLS),
            new Choice("security.ca_certificates", Arrays.asList(List.of(), List.of(UUID), List.of("x"), null)),
            new Choice("keepalive_enabled", BOOLS),
            new Choice("cluster_name", Arrays.asList("c", "", null)),
            new Choice("key_query_arg", Arrays.asList("k", "", null)),
            new Choice("topics_query_arg", Arrays.asList("topics", "topics", "", null)),
            new Choice(
                    "allowed_topics",
                    Arrays.asList(
                            List.of(),
                            List.of("audit"),
                            List.of("audit", "billing"),
                            List.of("a b"),
                            List.of(".."),
                            List.of("x".repeat(250)),
                            null)),
            new Choice("message_format", Arrays.asList("envelope", "body", "xml")),
            new Choice("compression_type", Arrays.asList("none", "zstd", "brotli")),
            new Choice("headers.forward_all_by_default", BOOLS),
            new Choice("headers.include_headers", Arrays.asList(List.of(), List.of("x-id"), List.of(""))),
            new Choice(
                    "headers.name_mappings",
                    Arrays.asList(Map.of(), Map.of("x-id", "id"), Map.of("x-id", ""), new KongOnly(Map.of("", "id")))),
            new Choice("headers.repeated_headers_behavior", Arrays.asList("take_first", "sometimes")),
            new Choice("error_handling.return_error_message", BOOLS),
            new Choice("producer_async_health_gating", BOOLS),
            new Choice("producer_async_health_failure_threshold", Arrays.asList(1, 0, 100, 101)),
            new Choice("producer_async_health_probe_interval", Arrays.asList(100, 99, 600000, 600001)),
            new Choice("producer_async_health_recovery_threshold", Arrays.asList(1, 0)),
            new Choice(
                    "authentication.oauthbearer.token_endpoint_url",
                    Arrays.asList(TOKEN_URL, TOKEN_URL, "ftp://idp/t", "", null)),
            new Choice("authentication.oauthbearer.client_id", Arrays.asList("kong", "kong", "", null)),
            new Choice("authentication.oauthbearer.client_secret", Arrays.asList("s", "s", "", 5, null)),
            new Choice(
                    "authentication.oauthbearer.scopes",
                    Arrays.asList(List.of(), List.of("kafka"), List.of("a b"), null)),
            new Choice(
                    "authentication.oauthbearer.extensions",
                    Arrays.asList(
                            Map.of(),
                            Map.of("logicalCluster", "lkc"),
                            Map.of("auth", "x"),
                            Map.of("a1", "x"),
                            Map.of("pool", "a\u0001b"))),
            new Choice("authentication.oauthbearer.token_endpoint_tls_verify", BOOLS),
            new Choice("key_header", Arrays.asList("x-key", "", null)),
            new Choice("key_uri_capture", Arrays.asList("customer", "", null)),
            new Choice("key_json_pointer", Arrays.asList("/id", "/a/0", "id", "", null)),
            new Choice("partition_query_arg", Arrays.asList("p", "", null)),
            new Choice("partition_header", Arrays.asList("x-partition", "", null)),
            new Choice("batch_json_array", BOOLS),
            new Choice("batch_max_records", Arrays.asList(1, 0, 10000, 10001, null)),
            new Choice("return_record_metadata", BOOLS),
            new Choice("zzz_unknown", List.of(new KongOnly(1))),
            // whole records last, so they replace what the lines above put inside them
            new Choice("authentication", Arrays.asList(Map.of(), new KongOnly(null))),
            new Choice(
                    "security",
                    Arrays.asList(
                            Map.of(),
                            new KongOnly(null),
                            Map.of("ssl", true, "client_certificate_pem", "c", "client_key_pem", "k"),
                            Map.of("ssl", true, "client_certificate_pem", "c", "client_key_file", "/k.pem"),
                            Map.of(
                                    "ssl",
                                    true,
                                    "certificate_id",
                                    UUID,
                                    "client_certificate_file",
                                    "/c.pem",
                                    "client_key_file",
                                    "/k"),
                            Map.of("ssl", true, "ca_certificates", List.of(UUID), "ca_certificates_pem", "ca"),
                            Map.of("ssl", true, "ca_certificates_file", "ca.pem"),
                            new KongOnly(Map.of("client_key_pem", "", "ssl", true)),
                            new Reference(Map.of("ca_certificates_pem", "{vault://env/ca}")))),
            new Choice("headers", Arrays.asList(Map.of(), new KongOnly(null))));

    /** A valid schema_registry record, which the choices below change. */
    private static final Map<String, Object> REGISTRY = Map.of(
            "confluent",
            Map.of(
                    "url",
                    "http://r:8081",
                    "value_schema",
                    Map.of("subject_name", "v"),
                    "authentication",
                    Map.of("mode", "basic", "basic", Map.of("username", "u", "password", "p"))));

    private static final List<Choice> REGISTRY_CHOICES = List.of(
            new Choice(
                    "schema_registry",
                    Arrays.asList(
                            Map.of(
                                    "confluent",
                                    Map.of(
                                            "url",
                                            "https://r/x/",
                                            "ttl",
                                            0.5,
                                            "key_schema",
                                            Map.of("subject_name", "k", "schema_version", "2"),
                                            "authentication",
                                            Map.of(
                                                    "mode",
                                                    "oauth2",
                                                    "oauth2",
                                                    Map.of(
                                                            "token_endpoint",
                                                            "https://idp/t",
                                                            "client_id",
                                                            "c",
                                                            "client_secret",
                                                            "s")))),
                            Map.of(),
                            Map.of("confluent", Map.of()),
                            null)),
            new Choice(
                    "schema_registry.confluent.url",
                    Arrays.asList("http://r", "ftp://r", "http://u:p@r", "http://[bad", "", null)),
            new Choice("schema_registry.confluent.ttl", Arrays.asList(0, 3600, 3601, "5")),
            new Choice(
                    "schema_registry.confluent.authentication.mode", Arrays.asList("none", "basic", "oauth2", "mtls")),
            new Choice("schema_registry.confluent.authentication.basic", Arrays.asList(Map.of("username", "u"), null)),
            new Choice(
                    "schema_registry.confluent.value_schema.schema_version", Arrays.asList("latest", "12", "v2", "")),
            new Choice("schema_registry.confluent.key_schema", Arrays.asList(Map.of("subject_name", "k"), Map.of())));

    @TempDir
    static Path tmp;

    private static KongWrites kong;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        kong = KongWrites.start(tmp);
        OAuthBearer.allow(TOKEN_URL);
    }

    @AfterAll
    static void stop() {
        if (kong != null) {
            kong.close();
        }
    }

    @Test
    void everyConfigKongAcceptsStartsAnInstanceUnlessOnlyTheServerCanCheckTheRule() throws Exception {
        agree(Map.of(), CHOICES, CONFIGS, MUTATION_RATE);
    }

    /** The registry's record is one field among fifty above: here it gets configs of its own. */
    @Test
    void everyRegistryConfigKongAcceptsStartsAnInstance() throws Exception {
        agree(Map.of("schema_registry", REGISTRY), REGISTRY_CHOICES, CONFIGS / 2, 0.25);
    }

    /** {@code configs} configs: bootstrap servers, a topic, {@code base}, then each choice with probability {@code rate}. */
    private static void agree(Map<String, Object> base, List<Choice> choices, int configs, double rate)
            throws Exception {
        Random random = new Random(SEED);
        int kongAccepted = 0;
        int bothRefused = 0;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < configs; i++) {
            boolean[] kongOnly = {false};
            boolean[] reference = {false};
            String config = generate(random, base, choices, rate, kongOnly, reference);
            int status = kong.write(config).statusCode();
            String refusal = startInstance(config);
            if (status == 200) {
                kongAccepted++;
                if (refusal != null && !refusal.equals(FORWARD_RULE) && !reference[0]) {
                    disagreements.add("Kong accepted, StartInstance refused: " + config + " -> " + refusal);
                }
            } else if (status == 400 && refusal == null && !kongOnly[0]) {
                disagreements.add("Kong refused, StartInstance accepted: " + config + " -> "
                        + kong.write(config).body());
            } else if (status == 400) {
                bothRefused += refusal != null ? 1 : 0;
            } else {
                disagreements.add("Kong answered " + status + " for " + config);
            }
        }
        assertEquals(List.of(), disagreements, "seed " + SEED);
        // not vacuous: both outcomes are common
        assertTrue(kongAccepted >= configs / 5, "Kong accepted only " + kongAccepted);
        assertTrue(bothRefused >= configs / 5, "both refused only " + bothRefused);
    }

    /** StartInstance's refusal, or null when the instance started. */
    private static String startInstance(String config) throws Exception {
        try {
            KongWrites.startInstance(config);
            return null;
        } catch (ConfigException | KafkaException e) {
            return e.getMessage();
        }
    }

    private static String generate(
            Random random,
            Map<String, Object> base,
            List<Choice> choices,
            double rate,
            boolean[] kongOnly,
            boolean[] reference) {
        ObjectNode config = JSON.createObjectNode();
        config.set("bootstrap_servers", JSON.valueToTree(List.of(server("localhost", 9092))));
        config.put("topic", "t");
        config.setAll((ObjectNode) JSON.valueToTree(base));
        for (Choice choice : choices) {
            if (random.nextDouble() < rate) {
                Object value =
                        choice.values().get(random.nextInt(choice.values().size()));
                if (value instanceof KongOnly k) {
                    kongOnly[0] = true;
                    value = k.value();
                }
                if (value instanceof Reference r) {
                    reference[0] = true;
                    value = r.value();
                }
                put(config, choice.path(), value);
            }
        }
        return config.toString();
    }

    private static void put(ObjectNode root, String path, Object value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (value == ABSENT) {
            node.remove(last);
        } else {
            node.set(last, JSON.valueToTree(value));
        }
    }

    private static Map<String, Object> server(String host, int port) {
        return Map.of("host", host, "port", port);
    }
}
