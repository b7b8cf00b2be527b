package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's command lines, with a fake {@code java} that prints its arguments: start and dump
 * modes, where Java, jar and settings come from, and that it runs under every POSIX shell here
 * with Kong's empty environment.
 */
class LauncherTest {
    @TempDir
    Path dir;

    /** The shells available here that a Kong image might run {@code /bin/sh} as. */
    static Stream<List<String>> shells() {
        List<List<String>> shells = new ArrayList<>();
        shells.add(List.of("/bin/sh"));
        for (List<String> shell :
                List.of(List.of("/usr/bin/dash"), List.of("/usr/bin/busybox", "sh"), List.of("/bin/bash", "--posix"))) {
            if (Files.isExecutable(Path.of(shell.getFirst()))) {
                shells.add(shell);
            }
        }
        return shells.stream();
    }

    @ParameterizedTest
    @MethodSource("shells")
    void startRunsTheJarWithNativeAccessHeapAndExitWithTheKongWorkerThatStartedIt(List<String> shell)
            throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "21.0.4");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        Launcher.Result r = Launcher.run(
                shell,
                Launcher.SCRIPT,
                Map.of("KAFKA_UPSTREAM_JAVA", java.toString(), "KAFKA_UPSTREAM_JAR", jar.toString()),
                "--socket",
                "/usr/local/kong/kafka-upstream.socket");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("FAKE-21.0.4", r.out().lines().findFirst().orElseThrow());
        // Kong runs `sh -c "exec <start_cmd>"` from its worker: the launcher's parent is that worker, here this JVM
        assertEquals(
                List.of(
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xms64m",
                        "-Xmx768m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Xlog:os+thread=error",
                        "-jar",
                        jar.toString(),
                        "--exit-with-parent=" + ProcessHandle.current().pid(),
                        "--socket",
                        "/usr/local/kong/kafka-upstream.socket"),
                r.javaArgs());
        assertEquals("", r.stderr());
    }

    @ParameterizedTest
    @MethodSource("shells")
    void dumpIsAOneShotSmallJvmWithoutParentWatch(List<String> shell) throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "21.0.4");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        for (String dump : List.of("--dump", "-dump")) {
            Launcher.Result r = Launcher.run(
                    shell,
                    Launcher.SCRIPT,
                    Map.of(
                            "KAFKA_UPSTREAM_JAVA",
                            java.resolve("bin/java").toString(),
                            "KAFKA_UPSTREAM_JAR",
                            jar.toString()),
                    dump);
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(
                    List.of(
                            "--enable-native-access=ALL-UNNAMED",
                            "-Xshare:auto",
                            "-XX:TieredStopAtLevel=1",
                            "-Xmx64m",
                            "-jar",
                            jar.toString(),
                            dump),
                    r.javaArgs());
        }
    }

    @Test
    void theConfigFileNextToTheLauncherServesKongsEmptyEnvironmentAndTheEnvironmentWins() throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "21.0.4");
        Path launcher = Launcher.copyInto(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/kafka-upstream.jar"), "");
        Files.writeString(
                dir.resolve("bin/kafka-upstream.conf"),
                "KAFKA_UPSTREAM_JAVA=" + java + "\n"
                        + "KAFKA_UPSTREAM_HEAP=\"-Xms1g -Xmx1g\"\nKAFKA_UPSTREAM_ARGS=\"--kafka-ca-bundle /etc/ca.pem\"\n"
                        + "KAFKA_UPSTREAM_JAVA_OPTS=\"-Dglob=* -Dx=1\"\n");
        Launcher.Result fromFile = Launcher.run(List.of("/bin/sh"), launcher, Map.of(), "--socket", "/s");
        assertEquals(0, fromFile.exit(), fromFile.stderr());
        assertEquals(
                List.of(
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xms1g",
                        "-Xmx1g",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Xlog:os+thread=error",
                        "-Dglob=*",
                        "-Dx=1",
                        "-jar",
                        dir.resolve("bin/kafka-upstream.jar").toString(),
                        "--exit-with-parent=" + ProcessHandle.current().pid(),
                        "--kafka-ca-bundle",
                        "/etc/ca.pem",
                        "--socket",
                        "/s"),
                fromFile.javaArgs());

        Launcher.Result fromEnv =
                Launcher.run(List.of("/bin/sh"), launcher, Map.of("KAFKA_UPSTREAM_HEAP", "-Xmx2g"), "--socket", "/s");
        assertEquals(
                List.of("--enable-native-access=ALL-UNNAMED", "-Xmx2g"),
                fromEnv.javaArgs().subList(0, 2));
    }

    @Test
    void aSymlinkedLauncherFindsTheJarAndConfigNextToTheRealFile() throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "21.0.4");
        Path real = Launcher.copyInto(dir.resolve("opt/kafka-upstream"));
        Files.writeString(dir.resolve("opt/kafka-upstream/kafka-upstream.jar"), "");
        Files.writeString(dir.resolve("opt/kafka-upstream/kafka-upstream.conf"), "KAFKA_UPSTREAM_JAVA=" + java + "\n");
        Files.createDirectories(dir.resolve("bin"));
        Path link = Files.createSymbolicLink(
                dir.resolve("bin/kafka-upstream"), Path.of("../opt/kafka-upstream/kafka-upstream"));
        Launcher.Result r = Launcher.run(List.of("/bin/sh"), link, Map.of(), "--dump");
        assertEquals(0, r.exit(), r.stderr());
        List<String> args = r.javaArgs();
        Path jar = Path.of(args.get(args.indexOf("-jar") + 1)).normalize();
        assertEquals(real.resolveSibling("kafka-upstream.jar"), jar);
    }

    @Test
    void aJavaOlderThan21IsRefusedWhenNamedAndSkippedAsJavaHome() throws IOException {
        Path old = Launcher.fakeJavaHome(dir, "17.0.12");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        Launcher.Result named = Launcher.run(
                Map.of("KAFKA_UPSTREAM_JAVA", old.toString(), "KAFKA_UPSTREAM_JAR", jar.toString()), "--dump");
        assertEquals(1, named.exit());
        assertEquals("", named.out(), "nothing but the dump may reach stdout");
        assertEquals(
                "kafka-upstream launcher: KAFKA_UPSTREAM_JAVA=" + old + " is not a Java 21 or newer\n", named.stderr());

        Launcher.Result home =
                Launcher.run(Map.of("JAVA_HOME", old.toString(), "KAFKA_UPSTREAM_JAR", jar.toString()), "--version");
        assertFalse(home.out().contains("FAKE-17"), "JAVA_HOME < 21 must not be used: " + home.out());
    }

    @Test
    void aJavaHomeOf23OrNewerAlsoAllowsUnsafeMemoryAccess() throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "25.0.1");
        Path jar = Files.writeString(dir.resolve("server.jar"), "");
        Launcher.Result r =
                Launcher.run(Map.of("JAVA_HOME", java.toString(), "KAFKA_UPSTREAM_JAR", jar.toString()), "--dump");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(
                List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
                r.javaArgs().subList(0, 2));
    }

    @Test
    void aMissingJarFailsWithAMessageOnStderrOnly() throws IOException {
        Path java = Launcher.fakeJavaHome(dir, "21.0.4");
        Path launcher = Launcher.copyInto(dir.resolve("bin"));
        Launcher.Result r =
                Launcher.run(List.of("/bin/sh"), launcher, Map.of("KAFKA_UPSTREAM_JAVA", java.toString()), "--dump");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.stderr().startsWith("kafka-upstream launcher: kafka-upstream.jar not found next to "), r.stderr());
    }

    @Test
    void theLauncherIsExecutableAndPosixSh() throws IOException {
        assertTrue(Files.isExecutable(Launcher.SCRIPT), Launcher.SCRIPT + " must be executable (git mode 100755)");
        assertEquals("#!/bin/sh", Files.readAllLines(Launcher.SCRIPT).getFirst());
    }
}
