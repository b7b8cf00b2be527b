package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docker/compose.yml parses and wires Kong, the broker and the topic creation the way kong.yml expects. */
class ComposeFileTest {
    private final JsonNode compose = RepoFiles.yaml("docker/compose.yml");
    private final JsonNode services = compose.path("services");
    private final JsonNode plugin = RepoFiles.yaml("docker/kong.yml").at("/routes/0/plugins/0/config");

    @Test
    void hasKongAKraftBrokerAndTheTopicCreation() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("kafka", "kafka-init", "kong"), names);
        for (String name : names) {
            if (!name.equals("kafka-init")) {
                assertTrue(
                        services.path(name).path("healthcheck").path("test").isArray(), name + " needs a health check");
            }
        }
    }

    @Test
    void brokerIsAKraftNodeAdvertisedAtTheAddressKongUses() {
        JsonNode kafka = services.path("kafka");
        assertTrue(
                kafka.path("image").asText().startsWith("apache/kafka:4."),
                kafka.path("image").asText());
        JsonNode env = kafka.path("environment");
        assertEquals("broker,controller", env.path("KAFKA_PROCESS_ROLES").asText());
        assertEquals("1@kafka:9093", env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText());
        assertEquals("CONTROLLER", env.path("KAFKA_CONTROLLER_LISTENER_NAMES").asText());
        assertEquals(1, env.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asInt());
        String broker = plugin.at("/bootstrap_servers/0/host").asText() + ":"
                + plugin.at("/bootstrap_servers/0/port").asInt();
        assertEquals(
                "PLAINTEXT://" + broker, env.path("KAFKA_ADVERTISED_LISTENERS").asText());
        assertEquals("kafka", kafka.path("hostname").asText());
    }

    @Test
    void initServiceCreatesThePluginsTopicOnceTheBrokerIsHealthy() {
        JsonNode init = services.path("kafka-init");
        assertEquals(services.path("kafka").path("image"), init.path("image"));
        assertEquals("service_healthy", init.at("/depends_on/kafka/condition").asText());
        List<String> command = strings(init.path("command"));
        assertEquals("/opt/kafka/bin/kafka-topics.sh", command.getFirst());
        assertTrue(command.contains("--create"), command.toString());
        assertEquals(plugin.path("topic").asText(), command.get(command.indexOf("--topic") + 1));
        assertEquals("kafka:9092", command.get(command.indexOf("--bootstrap-server") + 1));
    }

    @Test
    void kongRunsTheImageDbLessWithKongYml() {
        JsonNode kong = services.path("kong");
        Path composeDir = RepoFiles.path("docker");
        Path context = composeDir.resolve(kong.at("/build/context").asText()).normalize();
        assertEquals(RepoFiles.root(), context);
        assertTrue(
                Files.isRegularFile(context.resolve(kong.at("/build/dockerfile").asText())));
        assertEquals(
                "service_completed_successfully",
                kong.at("/depends_on/kafka-init/condition").asText());
        JsonNode env = kong.path("environment");
        assertEquals("off", env.path("KONG_DATABASE").asText());
        String declarative = env.path("KONG_DECLARATIVE_CONFIG").asText();
        assertEquals(List.of("./kong.yml:" + declarative + ":ro"), strings(kong.path("volumes")));
        assertTrue(Files.isRegularFile(composeDir.resolve("kong.yml")));
        assertEquals("info", env.path("KONG_LOG_LEVEL").asText(), "the plugin server logs at info");
        assertTrue(
                strings(kong.path("ports")).contains("127.0.0.1:8000:8000"),
                kong.path("ports").toString());
        assertEquals(List.of("CMD", "kong", "health"), strings(kong.at("/healthcheck/test")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
