package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.packaging.RepoFiles;
import dev.kongjava.packaging.RepoFiles.CurlCall;
import dev.kongjava.pluginserver.schema.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin configs shipped in kong-config/ and docker/ (kong.yml for DB-less Kong, the Admin API
 * calls of admin-api.sh) pass what Kong checks (known fields, types) and our schema's parse, and
 * together show every field of the original plugin.
 */
class KongConfigExamplesTest {
    /** Every config field of the seed document (kafka-upstream 0.2.x), by dotted path. */
    static final List<String> SEED_FIELDS = List.of(
            "bootstrap_servers",
            "topic",
            "timeout",
            "keepalive",
            "authentication.strategy",
            "authentication.mechanism",
            "authentication.tokenauth",
            "authentication.user",
            "authentication.password",
            "security.ssl",
            "security.certificate_id",
            "forward_method",
            "forward_uri",
            "forward_headers",
            "forward_body",
            "producer_request_acks",
            "producer_request_timeout",
            "producer_request_limits_messages_per_request",
            "producer_request_limits_bytes_per_request",
            "producer_request_retries_max_attempts",
            "producer_request_retries_backoff_timeout",
            "producer_async",
            "producer_async_flush_timeout",
            "producer_async_buffering_limits_messages_in_memory");

    @ParameterizedTest
    @ValueSource(strings = {"kong-config/kong.yml", "docker/kong.yml"})
    void kongYmlPluginConfigPassesKongsChecksAndTheSchema(String file) throws Exception {
        JsonNode route = onlyRoute(file);
        KongSchemaCheck kong = new KongSchemaCheck();
        Map<String, Object> config = kong.typed(pluginConfig(route));
        assertEquals(List.of(), kong.problems(), file);
        KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json(config));
        assertEquals("3.0", RepoFiles.yaml(file).path("_format_version").asText(), file + " _format_version");
        assertTrue(route.path("service").isMissingNode(), file + ": the route must be service-less");
    }

    @Test
    void dockerKongYmlIsKongConfigKongYmlWithTheComposeBroker() {
        JsonNode local = onlyRoute("kong-config/kong.yml");
        JsonNode compose = onlyRoute("docker/kong.yml");
        assertEquals(
                "localhost",
                local.at("/plugins/0/config/bootstrap_servers/0/host").asText());
        assertEquals(
                "kafka",
                compose.at("/plugins/0/config/bootstrap_servers/0/host").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) compose.at("/plugins/0/config/bootstrap_servers/0"))
                .put("host", "localhost");
        assertEquals(local, compose);
    }

    @Test
    void everyAdminApiPluginCallHasKnownFieldsWithValidValues() throws Exception {
        List<CurlCall> plugins = pluginCalls();
        assertEquals(
                List.of("plaintext", "secured"),
                plugins.stream().map(CurlCall::function).toList());
        for (CurlCall call : plugins) {
            assertTrue(call.data().contains("name=kafka-upstream"), call.toString());
            KongSchemaCheck kong = new KongSchemaCheck();
            Map<String, Object> config = kong.fromForm(call.data());
            assertEquals(List.of(), kong.problems(), call.function());
            KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json(config));
        }
    }

    @Test
    void adminApiExamplesShowEverySeedField() {
        Set<String> shown = new LinkedHashSet<>();
        for (CurlCall call : pluginCalls()) {
            shown.addAll(KongSchemaCheck.leafPaths(new KongSchemaCheck().fromForm(call.data()), ""));
        }
        List<String> missing = new ArrayList<>(SEED_FIELDS);
        missing.removeAll(shown);
        assertEquals(List.of(), missing, "seed fields missing from kong-config/admin-api.sh");
    }

    @Test
    void kongYmlHasTheRouteAndPluginOfThePlaintextAdminApiExample() throws Exception {
        List<CurlCall> plaintext = RepoFiles.curlCalls("kong-config/admin-api.sh").stream()
                .filter(c -> c.function().equals("plaintext"))
                .toList();
        CurlCall route = plaintext.get(0);
        assertEquals("/routes", route.url());
        JsonNode yamlRoute = onlyRoute("kong-config/kong.yml");
        assertTrue(route.data().contains("name=" + yamlRoute.path("name").asText()), route.toString());
        assertTrue(route.data().contains("paths[]=" + yamlRoute.at("/paths/0").asText()), route.toString());
        assertEquals(1, yamlRoute.path("paths").size());
        assertEquals(
                "/routes/" + yamlRoute.path("name").asText() + "/plugins",
                plaintext.get(1).url());

        Map<String, Object> fromYaml = new KongSchemaCheck().typed(pluginConfig(yamlRoute));
        Map<String, Object> fromForm =
                new KongSchemaCheck().fromForm(plaintext.get(1).data());
        assertEquals(RepoFiles.JSON.readTree(json(fromYaml)), RepoFiles.JSON.readTree(json(fromForm)));
    }

    @Test
    void theChecksCatchUnknownFieldsBadValuesAndBrokenRules() {
        KongSchemaCheck kong = new KongSchemaCheck();
        kong.fromForm(List.of("config.topic=t", "config.topics=t", "config.timeout=soon", "config.security.sll=true"));
        assertEquals(
                List.of(
                        "config.topics: unknown field",
                        "config.timeout: expected integer, got String soon",
                        "config.security.sll: unknown field"),
                kong.problems());

        KongSchemaCheck typed = new KongSchemaCheck();
        Map<String, Object> config = typed.fromForm(List.of(
                "config.bootstrap_servers[1].host=h",
                "config.bootstrap_servers[1].port=9092",
                "config.topic=t",
                "config.forward_body=false"));
        assertEquals(List.of(), typed.problems());
        ConfigException e = assertThrows(
                ConfigException.class, () -> KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json(config)));
        assertTrue(
                e.getMessage().contains("forward_method, forward_uri, forward_headers, forward_body"), e.getMessage());
    }

    private static List<CurlCall> pluginCalls() {
        List<CurlCall> calls = RepoFiles.curlCalls("kong-config/admin-api.sh").stream()
                .filter(c -> c.url().endsWith("/plugins"))
                .toList();
        assertFalse(calls.isEmpty(), "no plugin calls found in kong-config/admin-api.sh");
        return calls;
    }

    private static JsonNode onlyRoute(String file) {
        JsonNode routes = RepoFiles.yaml(file).path("routes");
        assertEquals(1, routes.size(), file + ": routes");
        JsonNode route = routes.get(0);
        assertEquals(1, route.path("plugins").size(), file + ": plugins of the route");
        assertEquals("kafka-upstream", route.at("/plugins/0/name").asText());
        return route;
    }

    private static Map<String, Object> pluginConfig(JsonNode route) {
        return KongSchemaCheck.asMap(RepoFiles.JSON.convertValue(route.at("/plugins/0/config"), Map.class));
    }

    private static String json(Object value) throws JsonProcessingException {
        return RepoFiles.JSON.writeValueAsString(value);
    }
}
