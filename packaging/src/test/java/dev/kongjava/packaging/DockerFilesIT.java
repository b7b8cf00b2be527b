package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What docker/Dockerfile copies exists, checked after {@code mvn package} (failsafe): files from
 * the build context, and the jar the build stage's Maven command produces, at the path the
 * runtime stage copies it from.
 */
class DockerFilesIT {
    private final Dockerfile dockerfile = KongConfTest.dockerfile();

    @Test
    void everyFileCopiedFromTheBuildContextExistsAndIsSent() {
        List<String> ignored = ignorePatterns();
        int checked = 0;
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            for (Dockerfile.Copy copy : stage.copies()) {
                if (copy.from() != null) {
                    continue;
                }
                for (String source : copy.sources()) {
                    Path path = RepoFiles.path(source);
                    assertTrue(Files.exists(path), "COPY " + source + ": " + path + " does not exist");
                    if (!source.equals(".")) {
                        assertFalse(
                                isIgnored(source, ignored),
                                "COPY " + source + " is excluded by Dockerfile.dockerignore");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 3, "expected the source tree, the launcher and its conf; checked " + checked);
    }

    @Test
    void theBuildStageMakesTheJarTheRuntimeStageCopies() {
        Dockerfile.Stage build = dockerfile.stage("build");
        assertTrue(build.image().startsWith("maven:") && build.image().contains("21"), build.image());
        assertEquals(List.of(new Dockerfile.Copy(null, List.of("."), "/src")), build.copies());
        assertEquals(
                List.of("mvn -B -q -pl plugin-server,plugin-kafka-upstream -am package -DskipTests"), build.runs());

        Dockerfile.Copy jar = dockerfile.last().copies().stream()
                .filter(c -> "build".equals(c.from()))
                .findFirst()
                .orElseThrow();
        String inSource = jar.sources().getFirst().substring("/src/".length());
        assertEquals(
                RepoFiles.builtJar(),
                RepoFiles.path(inSource),
                "the image copies the jar `mvn package` writes (shade finalName kafka-upstream)");
        assertTrue(
                Files.isRegularFile(RepoFiles.builtJar()),
                RepoFiles.builtJar()
                        + " missing: run the build from the root (mvn verify) so plugin-kafka-upstream is packaged first");
    }

    @Test
    void theRuntimeComesFromATemurin21Stage() {
        Dockerfile.Copy jre = dockerfile.last().copies().stream()
                .filter(c -> "jre".equals(c.from()))
                .findFirst()
                .orElseThrow();
        assertEquals("eclipse-temurin:21-jre", dockerfile.stage("jre").image());
        assertEquals(List.of("/opt/java/openjdk"), jre.sources());
    }

    @Test
    void theSourceTreeTheBuildNeedsIsNotIgnored() {
        List<String> ignored = ignorePatterns();
        for (String needed : List.of(
                "pom.xml",
                "plugin-server/src/main/java",
                "plugin-kafka-upstream/src/main/java",
                "testkit/pom.xml",
                "packaging/pom.xml")) {
            assertFalse(isIgnored(needed, ignored), needed + " is excluded by Dockerfile.dockerignore");
        }
        assertTrue(isIgnored("plugin-kafka-upstream/target", ignored), "local build output stays out of the context");
    }

    private static List<String> ignorePatterns() {
        return RepoFiles.read("docker/Dockerfile.dockerignore")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static boolean isIgnored(String relative, List<String> patterns) {
        for (String pattern : patterns) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            for (Path p = Path.of(relative); p != null; p = p.getParent()) {
                if (matcher.matches(p)
                        || (pattern.startsWith("**/")
                                && FileSystems.getDefault()
                                        .getPathMatcher("glob:" + pattern.substring(3))
                                        .matches(p))) {
                    return true;
                }
            }
        }
        return false;
    }
}
