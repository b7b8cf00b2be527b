package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.testkit.Prerequisites;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each check of kafka-upstream's schema, written to Kong (the Lua peer's Kong validation with the
 * schema of the real dump, as the Admin API, decK or kong.yml write a plugin): refused with Kong's
 * 400 and message when broken, accepted when satisfied. StartInstance agrees both ways, with the
 * same texts. Without the entity checks in the dump Kong would accept every broken config here and
 * answer each request on the route with 500.
 */
class KongConfigValidationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVERS = "\"bootstrap_servers\":[{\"host\":\"localhost\",\"port\":9092}]";
    private static final String UUID = "6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e";
    private static final String SASL =
            "\"strategy\":\"sasl\",\"mechanism\":\"PLAIN\",\"user\":\"u\",\"password\":\"p\"";

    @TempDir
    static Path tmp;

    private static KongWrites kong;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        kong = KongWrites.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (kong != null) {
            kong.close();
        }
    }

    private static String config(String members) {
        return "{" + SERVERS + ",\"topic\":\"t\"" + (members.isEmpty() ? "" : "," + members) + "}";
    }

    /** Kong refuses {@code config} with this message and these fields; StartInstance with {@code startInstance}. */
    private static void refused(String config, String message, String fields, String startInstance) throws Exception {
        HttpResponse<String> r = kong.write(config);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(
                JSON.readTree("{\"code\":2,\"name\":\"schema violation\",\"message\":"
                        + JSON.writeValueAsString(message) + ",\"fields\":" + fields + "}"),
                JSON.readTree(r.body()),
                r.body());
        assertEquals(
                startInstance,
                assertThrows(ConfigException.class, () -> KongWrites.startInstance(config))
                        .getMessage());
    }

    private static void accepted(String config) throws Exception {
        HttpResponse<String> r = kong.write(config);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"message\":\"schema validation successful\"}", r.body());
        KongWrites.startInstance(config);
    }

    private static String conditional(String ifField) {
        return "failed conditional validation given value of field 'config." + ifField + "'";
    }

    @Test
    void saslNeedsAMechanismAUserAndAPassword() throws Exception {
        for (String field : new String[] {"mechanism", "user", "password"}) {
            String auth = SASL.replaceAll(",?\"" + field + "\":\"[^\"]*\"", "").replaceFirst("^,", "");
            // the strategy needs a mechanism; PLAIN and SCRAM need a user and a password
            String because =
                    conditional(field.equals("mechanism") ? "authentication.strategy" : "authentication.mechanism");
            refused(
                    config("\"authentication\":{" + auth + "}"),
                    "2 schema violations (" + because + "; config.authentication: {\n  " + field
                            + " = \"required field missing\"\n})",
                    "{\"@entity\":[\"" + because + "\"],\"config\":{\"authentication\":{\"" + field
                            + "\":\"required field missing\"}}}",
                    "Invalid value null for configuration authentication." + field
                            + " of plugin kafka-upstream: required " + "field missing (" + because + ")");
        }
        accepted(config("\"authentication\":{" + SASL + "}"));
    }

    @Test
    void oauthBearerNeedsATokenEndpointAndClientCredentialsButNoUser() throws Exception {
        String oauth = "\"strategy\":\"sasl\",\"mechanism\":\"OAUTHBEARER\",\"oauthbearer\":{";
        refused(
                config("\"authentication\":{" + oauth + "\"client_id\":\"kong\"}}"),
                "3 schema violations (" + conditional("authentication.mechanism") + "; "
                        + conditional("authentication.mechanism")
                        + "; config.authentication: {\n  oauthbearer = {\n    client_secret = \"required field missing\",\n"
                        + "    token_endpoint_url = \"required field missing\"\n  }\n})",
                "{\"@entity\":[\"" + conditional("authentication.mechanism") + "\",\""
                        + conditional("authentication.mechanism")
                        + "\"],\"config\":{\"authentication\":{\"oauthbearer\":{\"client_secret\":\"required field missing\","
                        + "\"token_endpoint_url\":\"required field missing\"}}}}",
                "Invalid value null for configuration authentication.oauthbearer.token_endpoint_url of plugin "
                        + "kafka-upstream: required field missing (" + conditional("authentication.mechanism") + ")");
        String complete = oauth + "\"token_endpoint_url\":\"https://idp.example/token\",\"client_id\":\"kong\","
                + "\"client_secret\":\"s\",\"scopes\":[\"kafka\"],\"extensions\":{\"logicalCluster\":\"lkc-1\"}}";
        assertEquals(
                200, kong.write(config("\"authentication\":{" + complete + "}")).statusCode());
        refused(
                config("\"authentication\":{" + oauth + "\"token_endpoint_url\":\"https://idp.example/token\","
                        + "\"client_id\":\"kong\",\"client_secret\":\"s\",\"extensions\":{\"auth\":\"x\"}}}"),
                "schema violation (config.authentication: {\n  oauthbearer = {\n    extensions = \"must be a SASL "
                        + "extension name: ASCII letters, not 'auth'\"\n  }\n})",
                "{\"config\":{\"authentication\":{\"oauthbearer\":{\"extensions\":\"must be a SASL extension name: "
                        + "ASCII letters, not 'auth'\"}}}}",
                "Invalid value \"auth\" for configuration authentication.oauthbearer.extensions of plugin kafka-upstream: "
                        + "must be a SASL extension name: ASCII letters, not 'auth'");
    }

    @Test
    void oneKeySourceOnePartitionSourceMetadataInSyncModeAndBatchesWithTheBody() throws Exception {
        refused(
                config("\"key_query_arg\":\"k\",\"key_json_pointer\":\"/id\""),
                "schema violation (only one or none of these fields must be set: 'config.key_query_arg', 'config.key_header', "
                        + "'config.key_uri_capture', 'config.key_json_pointer')",
                "{\"@entity\":[\"only one or none of these fields must be set: 'config.key_query_arg', "
                        + "'config.key_header', 'config.key_uri_capture', 'config.key_json_pointer'\"]}",
                "Invalid configuration of plugin kafka-upstream: only one or none of these fields must be set: "
                        + "'config.key_query_arg', 'config.key_header', 'config.key_uri_capture', 'config.key_json_pointer'");
        refused(
                config("\"return_record_metadata\":true"),
                "2 schema violations (" + conditional("return_record_metadata") + "; config.producer_async: value must "
                        + "be false)",
                "{\"@entity\":[\"" + conditional("return_record_metadata") + "\"],\"config\":{\"producer_async\":"
                        + "\"value must be false\"}}",
                "Invalid value true for configuration producer_async of plugin kafka-upstream: value must be false ("
                        + conditional("return_record_metadata") + ")");
        refused(
                config("\"batch_json_array\":true,\"forward_body\":false,\"forward_uri\":true"),
                "2 schema violations (" + conditional("batch_json_array")
                        + "; config.forward_body: value must be true)",
                "{\"@entity\":[\"" + conditional("batch_json_array") + "\"],\"config\":{\"forward_body\":"
                        + "\"value must be true\"}}",
                "Invalid value false for configuration forward_body of plugin kafka-upstream: value must be true ("
                        + conditional("batch_json_array") + ")");
        accepted(config(
                "\"key_uri_capture\":\"customer\",\"partition_header\":\"x-partition\",\"batch_json_array\":true,"
                        + "\"batch_max_records\":500,\"producer_async\":false,\"return_record_metadata\":true"));
    }

    @Test
    void aClientCertificateNeedsTls() throws Exception {
        refused(
                config("\"security\":{\"certificate_id\":\"" + UUID + "\"}"),
                "2 schema violations (" + conditional("security.certificate_id") + "; config.security: {\n"
                        + "  ssl = \"value must be true\"\n})",
                "{\"@entity\":[\"" + conditional("security.certificate_id") + "\"],\"config\":{\"security\":{\"ssl\":"
                        + "\"value must be true\"}}}",
                "Invalid value false for configuration security.ssl of plugin kafka-upstream: value must be true ("
                        + conditional("security.certificate_id") + ")");
        accepted(config("\"security\":{\"ssl\":true,\"certificate_id\":\"" + UUID + "\"}"));
    }

    @Test
    void trustedCaCertificatesNeedTls() throws Exception {
        refused(
                config("\"security\":{\"ca_certificates\":[\"" + UUID + "\"]}"),
                "2 schema violations (" + conditional("security.ca_certificates") + "; config.security: {\n"
                        + "  ssl = \"value must be true\"\n})",
                "{\"@entity\":[\"" + conditional("security.ca_certificates") + "\"],\"config\":{\"security\":{\"ssl\":"
                        + "\"value must be true\"}}}",
                "Invalid value false for configuration security.ssl of plugin kafka-upstream: value must be true ("
                        + conditional("security.ca_certificates") + ")");
        accepted(config("\"security\":{\"ssl\":true,\"ca_certificates\":[\"" + UUID + "\"]}"));
        accepted(config("\"security\":{\"ca_certificates\":[]}"));
    }

    @Test
    void aClientCertificateComesFromOneSourceAndItsKeyFromTheSameKindOfSource() throws Exception {
        String pem = "\"client_certificate_pem\":\"c\",\"client_key_pem\":\"k\"";
        String files = "\"client_certificate_file\":\"/c.pem\",\"client_key_file\":\"/k.pem\"";
        String exclusive = "only one or none of these fields must be set: 'config.security.certificate_id', "
                + "'config.security.client_certificate_pem', 'config.security.client_certificate_file'";
        refused(
                config("\"security\":{\"ssl\":true,\"certificate_id\":\"" + UUID + "\"," + pem + "}"),
                "schema violation (" + exclusive + ")",
                "{\"@entity\":[\"" + exclusive + "\"]}",
                "Invalid configuration of plugin kafka-upstream: " + exclusive);
        String pair = "all or none of these fields must be set: 'config.security.client_certificate_file', "
                + "'config.security.client_key_file'";
        refused(
                config("\"security\":{\"ssl\":true,\"client_certificate_file\":\"/c.pem\",\"client_key_pem\":\"k\"}"),
                "2 schema violations (all or none of these fields must be set: 'config.security.client_certificate_pem', "
                        + "'config.security.client_key_pem'; " + pair + ")",
                "{\"@entity\":[\"all or none of these fields must be set: 'config.security.client_certificate_pem', "
                        + "'config.security.client_key_pem'\",\"" + pair + "\"]}",
                "Invalid configuration of plugin kafka-upstream: all or none of these fields must be set: "
                        + "'config.security.client_certificate_pem', 'config.security.client_key_pem'");
        accepted(config("\"security\":{\"ssl\":true," + pem + "}"));
        accepted(config("\"security\":{\"ssl\":true," + files + "}"));
    }

    @Test
    void trustedCasComeFromOneSourceAndPemOrFilesNeedTls() throws Exception {
        String exclusive = "only one or none of these fields must be set: 'config.security.ca_certificates', "
                + "'config.security.ca_certificates_pem', 'config.security.ca_certificates_file'";
        refused(
                config("\"security\":{\"ssl\":true,\"ca_certificates\":[\"" + UUID
                        + "\"],\"ca_certificates_file\":\"/ca.pem\"}"),
                "schema violation (" + exclusive + ")",
                "{\"@entity\":[\"" + exclusive + "\"]}",
                "Invalid configuration of plugin kafka-upstream: " + exclusive);
        for (String field : new String[] {"ca_certificates_pem", "ca_certificates_file"}) {
            refused(
                    config("\"security\":{\"" + field + "\":\"/ca.pem\"}"),
                    "2 schema violations (" + conditional("security." + field) + "; config.security: {\n"
                            + "  ssl = \"value must be true\"\n})",
                    "{\"@entity\":[\"" + conditional("security." + field) + "\"],\"config\":{\"security\":{\"ssl\":"
                            + "\"value must be true\"}}}",
                    "Invalid value false for configuration security.ssl of plugin kafka-upstream: value must be true ("
                            + conditional("security." + field) + ")");
            accepted(config("\"security\":{\"ssl\":true,\"" + field + "\":\"/ca.pem\"}"));
        }
    }

    @Test
    void filesAreAbsolutePathsAndPemFieldsAndTheUserTakeVaultReferences() throws Exception {
        String rule = KafkaUpstreamSchema.ABSOLUTE_PATH;
        refused(
                config("\"security\":{\"ssl\":true,\"ca_certificates_file\":\"ca.pem\"}"),
                "schema violation (config.security: {\n  ca_certificates_file = \"" + rule + "\"\n})",
                "{\"config\":{\"security\":{\"ca_certificates_file\":\"" + rule + "\"}}}",
                "Invalid value \"ca.pem\" for configuration security.ca_certificates_file of plugin kafka-upstream: "
                        + rule);
        // Kong resolves a reference before StartInstance; written as a reference, it skips every check
        accepted(config("\"security\":{\"ssl\":true,\"client_certificate_pem\":\"{vault://env/kafka-cert}\","
                + "\"client_key_pem\":\"{vault://env/kafka-key}\",\"ca_certificates_pem\":\"{vault://env/kafka-ca}\"},"
                + "\"authentication\":{" + SASL.replace("\"u\"", "\"{vault://env/kafka-user}\"") + "}"));
    }

    @Test
    void delegationTokensNeedSaslWithAScramMechanism() throws Exception {
        refused(
                config("\"authentication\":{\"tokenauth\":true}"),
                "3 schema violations (" + conditional("authentication.tokenauth") + "; "
                        + conditional("authentication.tokenauth")
                        + "; config.authentication: {\n  mechanism = \"required field missing\",\n"
                        + "  strategy = \"value must be sasl\"\n})",
                "{\"@entity\":[\"" + conditional("authentication.tokenauth") + "\",\""
                        + conditional("authentication.tokenauth")
                        + "\"],\"config\":{\"authentication\":{\"mechanism\":\"required field missing\",\"strategy\":"
                        + "\"value must be sasl\"}}}",
                "Invalid value null for configuration authentication.strategy of plugin kafka-upstream: value must be "
                        + "sasl (" + conditional("authentication.tokenauth") + ")");
        refused(
                config("\"authentication\":{" + SASL + ",\"tokenauth\":true}"),
                "2 schema violations (" + conditional("authentication.tokenauth") + "; config.authentication: {\n"
                        + "  mechanism = \"expected one of: SCRAM-SHA-256, SCRAM-SHA-512\"\n})",
                "{\"@entity\":[\"" + conditional("authentication.tokenauth") + "\"],\"config\":{\"authentication\":"
                        + "{\"mechanism\":\"expected one of: SCRAM-SHA-256, SCRAM-SHA-512\"}}}",
                "Invalid value \"PLAIN\" for configuration authentication.mechanism of plugin kafka-upstream: expected "
                        + "one of: SCRAM-SHA-256, SCRAM-SHA-512 (" + conditional("authentication.tokenauth") + ")");
        accepted(config("\"authentication\":{" + SASL.replace("PLAIN", "SCRAM-SHA-512") + ",\"tokenauth\":true}"));
    }

    @Test
    void allowedTopicsNeedTheQueryArgument() throws Exception {
        refused(
                config("\"allowed_topics\":[\"audit\"]"),
                "2 schema violations (" + conditional("allowed_topics")
                        + "; config.topics_query_arg: required field missing)",
                "{\"@entity\":[\"" + conditional("allowed_topics") + "\"],\"config\":{\"topics_query_arg\":"
                        + "\"required field missing\"}}",
                "Invalid value null for configuration topics_query_arg of plugin kafka-upstream: required field missing ("
                        + conditional("allowed_topics") + ")");
        accepted(config("\"allowed_topics\":[\"audit\"],\"topics_query_arg\":\"topics\""));
    }

    @Test
    void healthGatingNeedsAsyncMode() throws Exception {
        refused(
                config("\"producer_async\":false,\"producer_async_health_gating\":true"),
                "2 schema violations (" + conditional("producer_async_health_gating")
                        + "; config.producer_async: value " + "must be true)",
                "{\"@entity\":[\"" + conditional("producer_async_health_gating") + "\"],\"config\":{\"producer_async\":"
                        + "\"value must be true\"}}",
                "Invalid value false for configuration producer_async of plugin kafka-upstream: value must be true ("
                        + conditional("producer_async_health_gating") + ")");
        accepted(config("\"producer_async_health_gating\":true"));
    }

    @Test
    void topicNamesKafkaRefusesAreRefusedWithKafkasRule() throws Exception {
        String rule = KafkaUpstreamSchema.TOPIC_RULE;
        for (String topic : new String[] {"a/b", "..", ".", "", "ü", "t".repeat(250)}) {
            String shown = JSON.writeValueAsString(topic);
            refused(
                    "{" + SERVERS + ",\"topic\":" + shown + "}",
                    "schema violation (config.topic: " + rule + ")",
                    "{\"config\":{\"topic\":" + JSON.writeValueAsString(rule) + "}}",
                    "Invalid value "
                            + (shown.length() > 200
                                    ? shown.substring(0, 200) + "... (" + shown.length() + " characters)"
                                    : shown)
                            + " for configuration topic of plugin kafka-upstream: " + rule);
        }
        refused(
                config("\"topics_query_arg\":\"topics\",\"allowed_topics\":[\"audit\",\"a b\"]"),
                "schema violation (config.allowed_topics: {\n  [2] = \"" + rule + "\"\n})",
                "{\"config\":{\"allowed_topics\":[null," + JSON.writeValueAsString(rule) + "]}}",
                "Invalid value \"a b\" for configuration allowed_topics[2] of plugin kafka-upstream: " + rule);
        accepted("{" + SERVERS + ",\"topic\":\"Orders_2024.v-1\"}");
        accepted("{" + SERVERS + ",\"topic\":\"" + "t".repeat(249) + "\"}");
    }

    @Test
    void aBrokerHostThatWouldSplitBootstrapServersIsRefused() throws Exception {
        String rule = KafkaUpstreamSchema.HOST_RULE;
        for (String host : new String[] {"a,b", "kafka:9092,evil", "a b", "a/b"}) {
            refused(
                    "{\"bootstrap_servers\":[{\"host\":\"" + host + "\",\"port\":9092}],\"topic\":\"t\"}",
                    "schema violation (config.bootstrap_servers: {\n  {\n    host = \"" + rule + "\"\n  }\n})",
                    "{\"config\":{\"bootstrap_servers\":[{\"host\":" + JSON.writeValueAsString(rule) + "}]}}",
                    "Invalid value \"" + host
                            + "\" for configuration bootstrap_servers[1].host of plugin kafka-upstream: " + rule);
        }
        for (String host : new String[] {"kafka-1.internal", "10.0.0.7", "::1", "[::1]", "fe80::1%eth0"}) {
            accepted("{\"bootstrap_servers\":[{\"host\":\"" + host + "\",\"port\":9092}],\"topic\":\"t\"}");
        }
    }

    @Test
    void aRegistryLoginModeNeedsItsCredentialsAndTheRegistryFieldsFollowTheirRules() throws Exception {
        String registry = "\"schema_registry\":{\"confluent\":{\"url\":\"http://registry:8081\",%s}}";
        String mode = "schema_registry.confluent.authentication.mode";
        for (String login : new String[] {"basic", "oauth2"}) {
            refused(
                    config(registry.formatted("\"authentication\":{\"mode\":\"" + login + "\"}")),
                    "2 schema violations (" + conditional(mode) + "; config.schema_registry: {\n  confluent = {\n"
                            + "    authentication = {\n      " + login
                            + " = \"required field missing\"\n    }\n  }\n})",
                    "{\"@entity\":[\"" + conditional(mode) + "\"],\"config\":{\"schema_registry\":{\"confluent\":"
                            + "{\"authentication\":{\"" + login + "\":\"required field missing\"}}}}}",
                    "Invalid value null for configuration schema_registry.confluent.authentication." + login
                            + " of plugin kafka-upstream: required field missing (" + conditional(mode) + ")");
        }
        String version = "must be a version number or latest";
        refused(
                config(registry.formatted("\"value_schema\":{\"subject_name\":\"v\",\"schema_version\":\"v2\"}")),
                "schema violation (config.schema_registry: {\n  confluent = {\n    value_schema = {\n"
                        + "      schema_version = \"" + version + "\"\n    }\n  }\n})",
                "{\"config\":{\"schema_registry\":{\"confluent\":{\"value_schema\":{\"schema_version\":\"" + version
                        + "\"}}}}}",
                "Invalid value \"v2\" for configuration schema_registry.confluent.value_schema.schema_version of plugin "
                        + "kafka-upstream: " + version);
        String url = "must be an http:// or https:// URL without user info";
        refused(
                config(registry.formatted("\"key_schema\":{\"subject_name\":\"k\"}")
                        .replace("registry:8081", "u:p@registry:8081")),
                "schema violation (config.schema_registry: {\n  confluent = {\n    url = \"" + url + "\"\n  }\n})",
                "{\"config\":{\"schema_registry\":{\"confluent\":{\"url\":\"" + url + "\"}}}}",
                "Invalid value \"http://u:p@registry:8081\" for configuration schema_registry.confluent.url of plugin "
                        + "kafka-upstream: " + url);
        accepted(config(registry.formatted("\"authentication\":{\"mode\":\"basic\",\"basic\":{\"username\":\"u\","
                + "\"password\":\"p\"}},\"value_schema\":{\"subject_name\":\"v\",\"schema_version\":\"3\"}")));
        accepted(config(registry.formatted("\"authentication\":{\"mode\":\"oauth2\",\"oauth2\":{\"token_endpoint\":"
                + "\"https://idp/token\",\"client_id\":\"c\",\"client_secret\":\"s\"}},\"key_schema\":"
                + "{\"subject_name\":\"k\"}")));
        accepted(config("\"schema_registry\":{}"));
    }

    @Test
    void allForwardFlagsFalseIsTheOneRuleKongCannotExpressSoOnlyStartInstanceRefusesIt() throws Exception {
        String config = config("\"forward_body\":false");
        assertEquals(200, kong.write(config).statusCode());
        assertEquals(
                "Invalid configuration of plugin kafka-upstream: at least one of these attributes must be true: "
                        + "forward_method, forward_uri, forward_headers, forward_body",
                assertThrows(ConfigException.class, () -> KongWrites.startInstance(config))
                        .getMessage());
    }
}
