package dev.kongjava.packaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kong-config/kong-distroless.conf as Kong 3.12+ runs it in its distroless images: each command
 * split into plain words, run without a shell and with an empty environment. The image's paths
 * (where docker/Dockerfile installs Java and the jar) are replaced by this JVM's java, the built jar
 * and a temp socket; nothing else is changed.
 */
class DistrolessCommandsIT {
    private static final String JAVA = "/opt/java/openjdk/bin/java";
    private static final String JAR = "/usr/local/lib/kafka-upstream/kafka-upstream.jar";
    private static final Map<String, String> CONF = RepoFiles.kongConf("kong-config/kong-distroless.conf");

    @TempDir
    static Path dir;

    @BeforeAll
    static void jarIsBuilt() {
        Prerequisites.require(
                "kafka-upstream-jar",
                Files.isRegularFile(RepoFiles.builtJar()),
                () -> RepoFiles.builtJar() + " is built by `mvn package` of plugin-kafka-upstream");
    }

    /** The command's words with the image's paths replaced; checks they are the image's paths. */
    private static List<String> words(String command, Path socket) {
        String line = CONF.get("pluginserver_kafka_upstream_" + command);
        assertTrue(line.startsWith(JAVA + " ") && line.contains(" -jar " + JAR + " "), line);
        String kongSocket = RepoFiles.kongConf("kong-config/kong.conf").get("pluginserver_kafka_upstream_socket");
        return Arrays.stream(line.split(" +"))
                .map(w -> w.equals(JAVA)
                        ? Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString()
                        : w)
                .map(w -> w.equals(JAR) ? RepoFiles.builtJar().toString() : w)
                .map(w -> w.equals(kongSocket) ? socket.toString() : w)
                .toList();
    }

    private static Process start(List<String> words) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(words).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear(); // nginx strips the environment; no shell adds one
        return builder.start();
    }

    @Test
    void theQueryCommandPrintsExactlyTheJarsDump() throws Exception {
        Process query = start(words("query_cmd", dir.resolve("unused.socket")));
        byte[] dump = query.getInputStream().readAllBytes();
        assertTrue(query.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, query.exitValue());
        Process jar = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        RepoFiles.builtJar().toString(),
                        "--dump")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertArrayEquals(jar.getInputStream().readAllBytes(), dump, () -> new String(dump, UTF_8));
    }

    @Test
    void theStartCommandServesOnKongConfsSocketAndStopsCleanlyOnSigterm() throws Exception {
        Path socket = dir.resolve("kafka-upstream.socket");
        List<String> words = words("start_cmd", socket);
        assertTrue(words.contains(socket.toString()), "the socket of kong.conf: " + words);
        Process server = start(words);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!accepts(socket)) {
                assertTrue(server.isAlive(), "the server exited with " + (server.isAlive() ? "" : server.exitValue()));
                assertTrue(System.nanoTime() < deadline, "no server on " + socket + " after 60 s");
                Thread.sleep(20);
            }
            server.destroy(); // SIGTERM, as Kong stops its plugin servers
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "exited after SIGTERM");
            assertEquals(0, server.exitValue());
        } finally {
            server.destroyForcibly();
        }
    }

    private static boolean accepts(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
