package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.KafkaUpstreamPlugin;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kong-config/kong.conf names the launcher and the socket consistently, the Docker image sets the
 * same values and installs the files where those lines and the launcher expect them.
 */
class KongConfTest {
    private static final String SERVER = "kafka-upstream";
    private static final String PREFIX = "pluginserver_kafka_upstream_";

    private final Map<String, String> conf = RepoFiles.kongConf("kong-config/kong.conf");

    @Test
    void pluginAndServerNamesMatchTheDump() {
        String plugin = KafkaUpstreamPlugin.definition().name();
        assertEquals(SERVER, plugin);
        assertEquals(
                List.of("bundled", plugin), Arrays.asList(conf.get("plugins").split("\\s*,\\s*")));
        assertEquals(SERVER, conf.get("pluginserver_names"));
    }

    @Test
    void startCommandRunsTheLauncherOnTheConfiguredSocket() {
        String socket = conf.get(PREFIX + "socket");
        assertTrue(socket.startsWith("/") && socket.endsWith(".socket"), socket);
        List<String> start = words(conf.get(PREFIX + "start_cmd"));
        assertEquals(List.of(launcher(), "--socket", socket), start);
    }

    @Test
    void queryCommandIsTheLauncherWithDump() {
        assertEquals(List.of(launcher(), "--dump"), words(conf.get(PREFIX + "query_cmd")));
    }

    @Test
    void bodiesUpToTheProducersLimitStayInMemoryAndNoBodyCapLimitsTheWholeGateway() {
        long buffer = bytes(conf.get("nginx_http_client_body_buffer_size"));
        assertEquals(1_048_576, buffer, "buffer = the default producer_request_limits_bytes_per_request");
        // it would go into nginx's http block and cap every route; the plugin's routes get their own cap
        assertEquals(null, conf.get("nginx_http_client_max_body_size"));
        assertEquals(null, conf.get("client_max_body_size"), "removed in Kong 3.0");
    }

    @Test
    void dockerImageSetsEveryKongConfLineAsEnvironment() {
        Map<String, String> env = dockerfile().last().env();
        conf.forEach((key, value) -> assertEquals(value, env.get("KONG_" + key.toUpperCase(Locale.ROOT)), key));
        long kongKeys = env.keySet().stream().filter(k -> k.startsWith("KONG_")).count();
        assertEquals(conf.size(), kongKeys, "KONG_* variables of the image: " + env.keySet());
    }

    @Test
    void dockerImageInstallsTheFilesWhereKongConfAndTheLauncherLookForThem() {
        Dockerfile.Stage kong = dockerfile().last();
        assertTrue(kong.image().startsWith("kong:3."), kong.image());
        assertEquals(launcher(), destinationOf(kong, "kong-config/kafka-upstream"));
        assertEquals(launcher() + ".conf", destinationOf(kong, "kong-config/kafka-upstream.conf"));
        // The launcher's jar search: <dir>/../lib/kafka-upstream/kafka-upstream.jar, <dir> = /usr/local/bin.
        String launcherScript = RepoFiles.read("kong-config/kafka-upstream");
        assertTrue(launcherScript.contains("\"$here/../lib/kafka-upstream/kafka-upstream.jar\""));
        assertEquals(
                "/usr/local/lib/kafka-upstream/kafka-upstream.jar",
                destinationOf(kong, "/src/plugin-kafka-upstream/target/kafka-upstream.jar"));
        // The launcher's first Java location is where the image puts the runtime.
        assertTrue(launcherScript.contains("for home in /opt/java/openjdk "));
        assertEquals("/opt/java/openjdk", destinationOf(kong, "/opt/java/openjdk"));
    }

    private static String destinationOf(Dockerfile.Stage stage, String source) {
        return stage.copies().stream()
                .filter(c -> c.sources().equals(List.of(source)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no COPY of " + source + " in " + stage.copies()))
                .destination();
    }

    private String launcher() {
        String launcher = words(conf.get(PREFIX + "start_cmd")).getFirst();
        assertTrue(launcher.startsWith("/"), "Kong runs the command with an empty PATH: absolute path needed");
        assertEquals("/usr/local/bin/" + SERVER, launcher);
        return launcher;
    }

    static Dockerfile dockerfile() {
        return Dockerfile.parse(RepoFiles.read("docker/Dockerfile"));
    }

    private static List<String> words(String command) {
        return List.of(command.strip().split("\\s+"));
    }

    private static long bytes(String size) {
        String s = size.toLowerCase(Locale.ROOT);
        long unit = s.endsWith("k") ? 1024 : s.endsWith("m") ? 1024 * 1024 : s.endsWith("g") ? 1024L * 1024 * 1024 : 1;
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
}
