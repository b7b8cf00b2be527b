package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kong's query_cmd for real: the launcher, run as Kong runs it, prints exactly what
 * {@code java -jar kafka-upstream.jar --dump} prints, and nothing else, on stdout.
 */
class LauncherDumpIT {
    private static byte[] jarDump;

    @BeforeAll
    static void dumpOfTheJar() throws Exception {
        Path jar = RepoFiles.builtJar();
        Prerequisites.require(
                "kafka-upstream-jar",
                Files.isRegularFile(jar),
                () -> jar + " is built by `mvn package` of plugin-kafka-upstream");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--dump")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        jarDump = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        JsonNode dump = RepoFiles.JSON.readTree(jarDump);
        assertEquals("kafka-upstream", dump.at("/Plugins/0/Name").asText());
    }

    @Test
    void dumpWithThisJvmAsJavaHomeIsExactlyTheJarsDump() {
        // The launcher finds the checkout's jar (../plugin-kafka-upstream/target/) by itself.
        Launcher.Result r = Launcher.run(Map.of("JAVA_HOME", System.getProperty("java.home")), "--dump");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(jarDump, r.stdout(), () -> "stdout: " + r.out());
    }

    @Test
    void dumpInKongsEmptyEnvironmentFindsAJavaByItself() {
        Launcher.Result r = Launcher.run(Map.of(), "-dump");
        Prerequisites.require(
                "launcher-java",
                r.exit() == 0 || !r.stderr().contains("no Java 21 or newer found"),
                () -> "no Java >= 21 in the launcher's known places on this machine: " + r.stderr());
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(jarDump, r.stdout(), () -> "stdout: " + r.out());
    }

    @Test
    void dumpUnderEveryShellHere() {
        for (List<String> shell : LauncherTest.shells().toList()) {
            Launcher.Result r = Launcher.run(
                    shell, Launcher.SCRIPT, Map.of("KAFKA_UPSTREAM_JAVA", System.getProperty("java.home")), "--dump");
            assertEquals(0, r.exit(), shell + ": " + r.stderr());
            assertArrayEquals(jarDump, r.stdout(), shell::toString);
        }
    }

    @Test
    void versionGoesThroughTheLauncher() throws IOException {
        Launcher.Result r = Launcher.run(Map.of("JAVA_HOME", System.getProperty("java.home")), "--version");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("kafka-upstream", r.out().split(" ")[0]);
    }
}
