package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.ProbeServerMain;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.Main;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The server as Kong runs it: a separate process that Kong stops with SIGTERM. */
class SigtermIT {
    /** Bound on waiting for what a healthy server does within milliseconds; generous for a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void afterSigtermNewInstancesAndEventsAreRefusedWhileTheRunningEventFinishes() throws Exception {
        Path dir = TempDirs.create("kps");
        Path release = dir.resolve("release");
        try (ServerProcess server = ServerProcess.startJava(
                        ProbeServerMain.class, dir.resolve("probe.socket"), dir.resolve("server.log"));
                FakeKong kong = FakeKong.connect(server.socket());
                KongConnection pooled = new KongConnection(server.socket())) {
            FakeKong.PluginConfig plugin =
                    kong.plugin("probe", "{\"mode\":\"wait\",\"release_file\":\"" + release + "\"}");
            CompletableFuture<Exchange> running =
                    CompletableFuture.supplyAsync(() -> plugin.access(CannedRequest.get("/")));
            awaitRunningEvent(kong); // the event now waits for the release file inside the plugin
            server.sigterm();
            server.awaitRefusing(pooled);
            assertTrue(server.log().contains("shutting down: 1 events running, 1 instances"), server.log());

            KongConnection.Reply start = pooled.call(
                    1, "plugin.StartInstance", List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"ret\"}")));
            assertEquals("the plugin server is shutting down", start.error());
            KongConnection.Reply event = pooled.call(
                    2, "plugin.HandleEvent", List.of(Map.of("InstanceId", plugin.instanceId(), "EventName", "access")));
            assertEquals("No plugin instance " + plugin.instanceId(), event.error());
            assertThrows(IOException.class, () -> new KongConnection(server.socket()), "no new connection");

            Files.createFile(release);
            assertTrue(running.get(30, TimeUnit.SECONDS).returned(), "the running event finished normally");
            assertEquals(0, server.onExit().get(30, TimeUnit.SECONDS), server.log());
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void sigtermLetsTheRunningEventFinishRemovesTheSocketAndExitsZero() throws Exception {
        Path dir = TempDirs.create("kps");
        try (ServerProcess server = ServerProcess.startJava(
                ProbeServerMain.class, dir.resolve("probe.socket"), dir.resolve("server.log"))) {
            try (FakeKong kong = FakeKong.connect(server.socket())) {
                FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"sleep\",\"sleep_ms\":700}");
                CompletableFuture<Exchange> running =
                        CompletableFuture.supplyAsync(() -> plugin.access(CannedRequest.get("/")));
                awaitRunningEvent(kong); // the event is now sleeping inside the plugin
                server.sigterm();
                Exchange ex = running.get(30, TimeUnit.SECONDS);
                assertTrue(ex.returned(), "the running event finished normally: " + ex);
            }
            assertEquals(0, server.onExit().get(30, TimeUnit.SECONDS), server.log());
            assertFalse(Files.exists(server.socket(), LinkOption.NOFOLLOW_LINKS), "socket removed");
            assertTrue(server.log().contains("shutting down: 1 events running, 1 instances"), server.log());
            assertTrue(server.log().contains("stopped"), server.log());
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aSigtermWhileTheServerIsStillStartingStopsItCleanlyOnceItIsUp() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("slow.socket");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(
                        JavaProcess.command(SlowStartServerMain.class, "--socket", socket.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            awaitLog(() -> read(log), SlowStartServerMain.STARTING, server::isAlive);
            server.destroy(); // SIGTERM during the start hook, before the socket exists
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exited");
            String text = Files.readString(log);
            assertEquals(0, server.exitValue(), text);
            assertTrue(text.contains("shutting down: 0 events running, 0 instances"), text);
            assertTrue(text.contains("stopped"), text);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket removed");
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(dir);
        }
    }

    /** A server whose plugin's start hook takes a second, like a plugin that connects somewhere first. */
    public static final class SlowStartServerMain {
        static final String STARTING = "slow start hook running";

        public static void main(String[] args) {
            PluginDefinition<?> slow = PluginDefinition.builder("slow")
                    .priority(1)
                    .onServerStart(flags -> {
                        System.out.println(STARTING);
                        System.out.flush();
                        Thread.sleep(1000);
                        return null;
                    })
                    .handler(ProbePlugin.class, ctx -> null)
                    .build();
            System.exit(Main.run(args, slow));
        }
    }

    @Test
    void withExitWithParentTheServerStopsCleanlyWhenTheProcessThatStartedItIsGone() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        Path log = dir.resolve("server.log");
        // sh starts the server in the background and exits when told (its stdin ends), as a dying
        // Kong worker would
        String java = String.join(
                " ",
                JavaProcess.command(ProbeServerMain.class, "--socket", socket.toString(), "--exit-with-parent").stream()
                        .map(a -> "'" + a + "'")
                        .toList());
        Process parent = new ProcessBuilder("sh", "-c", java + " >" + log + " 2>&1 & echo $!; read go").start();
        long serverPid = Long.parseLong(
                new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                        .readLine()
                        .strip());
        ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
        try {
            // logged once the server serves and watches its parent (the housekeeper has started)
            awaitLog(() -> read(log), "serving [probe]", server::isAlive);
            parent.getOutputStream().close();
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            assertTrue(server.onExit().get(15, TimeUnit.SECONDS).pid() == serverPid, "server exited after its parent");
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket removed");
            String text = Files.readString(log);
            assertTrue(text.contains("parent process " + parent.pid() + " is gone; shutting down"), text);
        } finally {
            server.destroyForcibly();
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aServerWhoseParentIsAlreadyGoneExitsAtOnceWithoutTakingTheSocket() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        Path log = dir.resolve("server.log");
        // the launcher passes the Kong worker's pid; this worker died while the JVM was starting
        Process worker = new ProcessBuilder("true").start();
        assertTrue(worker.waitFor(10, TimeUnit.SECONDS));
        Process server = new ProcessBuilder(JavaProcess.command(
                        ProbeServerMain.class, "--socket", socket.toString(), "--exit-with-parent=" + worker.pid()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "exited");
            String text = Files.readString(log);
            assertEquals(1, server.exitValue(), text);
            assertTrue(
                    text.contains("ERROR Main - cannot start: the process that started the server (pid " + worker.pid()
                            + ") is already gone\n"),
                    text);
            assertFalse(text.contains("listening on"), text);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "no socket: a new server may own the path");
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Asks the server (GetStatus) until one event runs. */
    private static void awaitRunningEvent(FakeKong kong) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Long.valueOf(1)
                .equals(((Map<?, ?>) kong.call("plugin.GetStatus").result()).get("Events"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event started within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the server's log contains {@code text}; fails at once if the server is gone. */
    private static void awaitLog(Supplier<String> log, String text, BooleanSupplier alive) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!log.get().contains(text)) {
            if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                throw new AssertionError("the server did not log \"" + text + "\" within " + WAIT.toSeconds()
                        + " s; its log:\n" + log.get());
            }
            Thread.sleep(10);
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
