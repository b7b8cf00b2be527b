package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kong's start_cmd for real when the Kong worker that ran it dies while the JVM is still starting
 * (a crash, or a reload right after the spawn): the server notices at once and exits, instead of
 * living on as an orphan that holds, or takes, the socket of the worker's successor.
 */
class LauncherParentIT {
    @Test
    void aServerWhoseKongWorkerDiesWhileTheJvmStartsExitsInsteadOfLivingOnAsAnOrphan() throws Exception {
        Path jar = RepoFiles.builtJar();
        assertTrue(Files.isRegularFile(jar), jar + " is built by `mvn package` of plugin-kafka-upstream");
        Path dir = TempDirs.create("launcher-parent");
        Path socket = dir.resolve("kafka-upstream.socket");
        Path log = dir.resolve("server.log");
        // The worker: spawns `sh -c "exec <start_cmd>"` as Kong does, prints its pid, lives until its stdin closes.
        String startCmd = "exec " + Launcher.SCRIPT + " --socket " + socket;
        ProcessBuilder workerShell = new ProcessBuilder(
                "/bin/sh", "-c", "/bin/sh -c '" + startCmd + "' >" + log + " 2>&1 & echo $!; read line");
        workerShell.environment().put("KAFKA_UPSTREAM_JAVA", System.getProperty("java.home"));
        workerShell.environment().put("KAFKA_UPSTREAM_JAR", jar.toString());
        Process worker = workerShell.start();
        long serverPid = Long.parseLong(
                new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine()
                        .strip());
        ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
        try {
            awaitJava(server);
            worker.getOutputStream().close(); // the worker dies while the JVM starts up
            assertTrue(worker.waitFor(10, TimeUnit.SECONDS));

            assertTrue(
                    server.onExit()
                                    .completeOnTimeout(null, 30, TimeUnit.SECONDS)
                                    .join()
                            != null,
                    "the server exited after its worker; log:\n" + Files.readString(log));
            String text = Files.readString(log);
            assertTrue(
                    text.contains("cannot start: the process that started the server (pid " + worker.pid()
                                    + ") is already gone")
                            || text.contains("parent process " + worker.pid() + " is gone; shutting down"),
                    text);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "no socket left: " + text);
            System.out.println("worker gone while the JVM started; the server: "
                    + text.lines()
                            .filter(l -> l.contains(" is already gone") || l.contains(" is gone; "))
                            .findFirst()
                            .orElseThrow());
        } finally {
            server.destroyForcibly();
            worker.destroyForcibly();
            TempDirs.deleteQuietly(dir);
        }
    }

    /** Waits until the launcher has exec'd java: the JVM is starting. */
    private static void awaitJava(ProcessHandle process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!process.info().command().filter(c -> c.endsWith("/java")).isPresent()) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline, "the launcher did not start java");
            Thread.sleep(2);
        }
    }
}
