package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.ProbeServerMain;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.Main;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server as Kong runs it: a separate process that Kong stops with SIGTERM. */
class SigtermIT {
    @Test
    void sigtermLetsTheRunningEventFinishRemovesTheSocketAndExitsZero() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        Process server = new ProcessBuilder(JavaProcess.command(ProbeServerMain.class, "--socket", socket.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            waitForSocket(socket, server);
            try (FakeKong kong = FakeKong.connect(socket)) {
                FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"sleep\",\"sleep_ms\":700}");
                CompletableFuture<Exchange> running = CompletableFuture.supplyAsync(() -> plugin.access(CannedRequest.get("/")));
                awaitRunningEvent(kong); // the event is now sleeping inside the plugin
                server.destroy(); // SIGTERM
                Exchange ex = running.get(10, TimeUnit.SECONDS);
                assertTrue(ex.returned(), "the running event finished normally: " + ex);
            }
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exited");
            assertEquals(0, server.exitValue(), Files.readString(dir.resolve("server.log")));
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket removed");
            String log = Files.readString(dir.resolve("server.log"));
            assertTrue(log.contains("shutting down: 1 events running, 1 instances"), log);
            assertTrue(log.contains("stopped"), log);
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aSigtermWhileTheServerIsStillStartingStopsItCleanlyOnceItIsUp() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("slow.socket");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(JavaProcess.command(SlowStartServerMain.class, "--socket", socket.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(log).contains(SlowStartServerMain.STARTING)) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, "the start hook never ran");
                Thread.sleep(10);
            }
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
            PluginDefinition slow = PluginDefinition.builder("slow").priority(1)
                    .onServerStart(flags -> {
                        System.out.println(STARTING);
                        System.out.flush();
                        Thread.sleep(1000);
                        return null;
                    })
                    .handler(ProbePlugin.class, ctx -> null).build();
            System.exit(Main.run(args, slow));
        }
    }

    @Test
    void withExitWithParentTheServerStopsCleanlyWhenTheProcessThatStartedItIsGone() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        Path log = dir.resolve("server.log");
        // sh starts the server in the background and exits after a moment, as a dying Kong worker would
        String java = String.join(" ", JavaProcess.command(ProbeServerMain.class, "--socket", socket.toString(),
                "--exit-with-parent").stream().map(a -> "'" + a + "'").toList());
        Process parent = new ProcessBuilder("sh", "-c", java + " >" + log + " 2>&1 & echo $!; sleep 3").start();
        long serverPid = Long.parseLong(new String(parent.getInputStream().readNBytes(16)).trim().split("\\s+")[0]);
        ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
        try {
            waitForSocket(socket, parent);
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
        Process server = new ProcessBuilder(JavaProcess.command(ProbeServerMain.class, "--socket", socket.toString(),
                "--exit-with-parent=" + worker.pid())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "exited");
            String text = Files.readString(log);
            assertEquals(1, server.exitValue(), text);
            assertTrue(text.contains("ERROR Main - cannot start: the process that started the server (pid " + worker.pid()
                    + ") is already gone\n"), text);
            assertFalse(text.contains("listening on"), text);
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "no socket: a new server may own the path");
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Asks the server (GetStatus) until one event runs. */
    private static void awaitRunningEvent(FakeKong kong) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Long.valueOf(1).equals(((java.util.Map<?, ?>) kong.call("plugin.GetStatus").result()).get("Events"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event started");
            }
            Thread.sleep(10);
        }
    }

    static void waitForSocket(Path socket, Process server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("server did not create " + socket);
            }
            Thread.sleep(20);
        }
    }
}
