package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.MountableFile;

/**
 * The Docker image end to end, where a Docker engine exists: builds
 * docker/Dockerfile from this checkout, starts the services of docker/compose.yml (same images,
 * environment, network names and kong.yml) and sends a request through the real Kong into the real
 * broker, then reads the record with the consumer command of docker/README.md. Without a Docker
 * engine it is skipped, also in CI: .ci/run allows the prerequisite {@code docker} by name, since
 * no build machine of this project has one. Where Docker exists, the image build needs more than
 * the default fork timeout: run with {@code -Dtest.fork.timeout=1800}.
 */
class KongImageIT {
    private static final Duration KONG_READY = Duration.ofSeconds(90);
    private static final JsonNode SERVICES =
            RepoFiles.yaml("docker/compose.yml").path("services");
    private static final JsonNode PLUGIN = RepoFiles.yaml("docker/kong.yml").at("/routes/0/plugins/0/config");

    private static Network network;
    private static GenericContainer<?> kafka;
    private static GenericContainer<?> kong;

    @BeforeAll
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // builds the image from source (Maven inside Docker) first
    static void startTheComposeServices() {
        Prerequisites.require(
                "docker",
                DockerClientFactory.instance().isDockerAvailable(),
                () -> "KongImageIT needs a Docker engine (none found by Testcontainers)");
        network = Network.newNetwork();
        JsonNode kafkaService = SERVICES.path("kafka");
        kafka = new GenericContainer<>(kafkaService.path("image").asText())
                .withNetwork(network)
                .withNetworkAliases(kafkaService.path("hostname").asText())
                .withEnv(env(kafkaService))
                .waitingFor(Wait.forSuccessfulCommand(healthCommand(kafkaService))
                        .withStartupTimeout(Duration.ofMinutes(2)));
        kafka.start();

        JsonNode init = SERVICES.path("kafka-init");
        try (GenericContainer<?> topic = new GenericContainer<>(
                        init.path("image").asText())
                .withNetwork(network)
                .withCommand(strings(init.path("command")).toArray(String[]::new))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
            topic.start();
        }

        JsonNode kongService = SERVICES.path("kong");
        String declarative =
                kongService.at("/environment/KONG_DECLARATIVE_CONFIG").asText();
        kong = new GenericContainer<>(image())
                .withNetwork(network)
                .withEnv(env(kongService))
                .withCopyFileToContainer(MountableFile.forHostPath(RepoFiles.path("docker/kong.yml")), declarative)
                .withExposedPorts(8000, 8001)
                .waitingFor(Wait.forHttp("/status").forPort(8001).withStartupTimeout(Duration.ofMinutes(2)));
        kong.start();
    }

    @AfterAll
    static void stop() {
        Stream.of(kong, kafka).filter(c -> c != null).forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void aRequestThroughKongBecomesARecordInKafka() throws Exception {
        URI uri = URI.create("http://" + kong.getHost() + ":" + kong.getMappedPort(8000) + "/kafka/orders?id=7");
        HttpResponse<String> response = postUntilAnswered(uri, "{\"item\":\"book\"}");
        assertEquals(200, response.statusCode(), response.body() + "\n" + kong.getLogs());
        assertEquals("{\"message\":\"message sent\"}", response.body());

        ExecResult consumed = kafka.execInContainer(
                "/opt/kafka/bin/kafka-console-consumer.sh",
                "--bootstrap-server",
                "kafka:9092",
                "--topic",
                PLUGIN.path("topic").asText(),
                "--from-beginning",
                "--max-messages",
                "1",
                "--timeout-ms",
                "30000");
        JsonNode record = RepoFiles.JSON.readTree(consumed.getStdout()
                .lines()
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record: " + consumed.getStderr())));
        assertEquals("POST", record.path("method").asText());
        assertEquals("/kafka/orders?id=7", record.path("uri").asText());
        assertEquals("book", record.at("/body_args/item").asText());
    }

    @Test
    void theImagesLauncherDumpsThePluginOfThisCheckout() throws Exception {
        ExecResult dump = kong.execInContainer("/usr/local/bin/kafka-upstream", "--dump");
        assertEquals(0, dump.getExitCode(), dump.getStderr());
        JsonNode plugin = RepoFiles.JSON.readTree(dump.getStdout()).at("/Plugins/0");
        assertEquals("kafka-upstream", plugin.path("Name").asText());
        assertTrue(kong.getLogs().contains("kafka-upstream"), "Kong's log shows the plugin server at info level");
    }

    /** Kong starts the plugin server in its first worker; until the socket exists requests fail. */
    private static HttpResponse<String> postUntilAnswered(URI uri, String body) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long deadline = System.nanoTime() + KONG_READY.toNanos();
        HttpResponse<String> last = http.send(request, HttpResponse.BodyHandlers.ofString());
        while (last.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            last = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return last;
    }

    /**
     * The image of docker/Dockerfile, built from this checkout minus what Dockerfile.dockerignore
     * excludes. The context is the repository root, so the Dockerfile is named by its path in it;
     * withDockerfile(Path) would make docker/ the context.
     */
    @SuppressWarnings("deprecation")
    private static ImageFromDockerfile image() {
        ImageFromDockerfile image = new ImageFromDockerfile("kong-kafka-upstream-it", true)
                .withDockerfilePath(SERVICES.at("/kong/build/dockerfile").asText());
        List<PathMatcher> ignored = RepoFiles.read("docker/Dockerfile.dockerignore")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .flatMap(p -> Stream.of(p, p.startsWith("**/") ? p.substring(3) : p))
                .map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p))
                .toList();
        Path root = RepoFiles.root();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .map(root::relativize)
                    .filter(rel -> !excluded(rel, ignored))
                    .forEach(rel -> image.withFileFromPath(rel.toString(), root.resolve(rel)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return image;
    }

    private static boolean excluded(Path relative, List<PathMatcher> ignored) {
        for (Path p = relative; p != null; p = p.getParent()) {
            Path candidate = p;
            if (ignored.stream().anyMatch(m -> m.matches(candidate))) {
                return true;
            }
        }
        return false;
    }

    /** A compose health check {@code ["CMD", ...]} as one shell command line. */
    private static String healthCommand(JsonNode service) {
        List<String> test = strings(service.at("/healthcheck/test"));
        assertEquals("CMD", test.getFirst());
        return String.join(" ", test.subList(1, test.size()));
    }

    private static Map<String, String> env(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment")
                .properties()
                .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
