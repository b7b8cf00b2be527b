package dev.kongjava.testkit.registry;

import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Apicurio Registry JVM: started from the distribution's {@code quarkus-run.jar} on two free
 * loopback ports (API and management), ready once Quarkus's readiness check passes, its output in
 * a log file of its own working directory, stopped with SIGTERM and then SIGKILL.
 */
final class RegistryProcess {
    // A cold start on a busy 2-core machine took 16 s; later starts take 3 to 7 s.
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_LINES_IN_ERRORS = 40;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path workDir;
    private final int port;
    private final URI readiness;
    private final Thread killOnExit;

    private RegistryProcess(Process process, Path workDir, int port, int managementPort) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
        // Quarkus's readiness check (storage included) on the management port, which needs no login.
        this.readiness = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        // A test JVM that exits without close() (a failed @BeforeAll, a failsafe timeout) must not
        // leave a registry running.
        this.killOnExit = new Thread(process::destroyForcibly, "stop schema registry " + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts the registry in {@code home} with {@code settings} over the harness's own, and waits until it is ready. */
    static RegistryProcess start(Path home, Map<String, String> settings) {
        Path runner = runnerJar(home);
        Path workDir = TempDirs.create("schema-registry-");
        int[] ports = freePorts(2);
        ProcessBuilder builder = new ProcessBuilder(command(home, runner, workDir, ports, settings))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("registry.log").toFile());
        RegistryProcess registry;
        try {
            registry = new RegistryProcess(builder.start(), workDir, ports[0], ports[1]);
        } catch (IOException e) {
            TempDirs.deleteQuietly(workDir);
            throw new UncheckedIOException("cannot start the schema registry " + runner, e);
        }
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            registry.stop();
            throw e;
        }
        return registry;
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            Path log = workDir.resolve("registry.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema registry log", e);
        }
    }

    /** SIGTERM, SIGKILL if it has not exited within 20 s; then deletes the working directory. */
    void stop() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
            TempDirs.deleteQuietly(workDir);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the schema registry exited with " + process.exitValue()
                        + " before it was ready; its log ends with:\n" + logTail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the schema registry was not ready on " + readiness + " within "
                        + READY_TIMEOUT.toSeconds() + " s; its log ends with:\n" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
        }
    }

    private boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(readiness)
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }

    private String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
    }

    private static Path runnerJar(Path home) {
        Path runner = home == null ? null : home.resolve("quarkus-run.jar");
        if (runner == null || !Files.isRegularFile(runner)) {
            throw new IllegalStateException("no Apicurio Registry distribution at " + home + ": set the system "
                    + "property " + SchemaRegistryServer.HOME_PROPERTY + " to the unpacked io.apicurio:"
                    + "apicurio-registry-app:<version>:tar.gz:all (the parent pom's unpack-schema-registry "
                    + "execution unpacks it in pre-integration-test when a module sets schema-registry.skip=false)");
        }
        return runner;
    }

    private static List<String> command(Path home, Path runner, Path workDir, int[] ports, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.http.host", "127.0.0.1");
        settings.put("quarkus.http.port", Integer.toString(ports[0]));
        // The management interface (health, metrics) is on by build; keep it off the network.
        settings.put("quarkus.management.host", "127.0.0.1");
        settings.put("quarkus.management.port", Integer.toString(ports[1]));
        // In-memory H2 (the distribution's default storage) with a small pool: a quicker start.
        settings.put("apicurio.datasource.jdbc.initial-size", "2");
        settings.put("apicurio.datasource.jdbc.min-size", "2");
        settings.put("apicurio.storage.snapshot.location", workDir.toString());
        settings.putAll(extra);
        List<String> command = new ArrayList<>(List.of(
                JavaProcess.javaBinary(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                // A class-data archive next to the distribution, written when the first registry
                // exits: later starts take about 2.5 s instead of 4.
                "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + home.resolve("registry-cds.jsa")));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", runner.toString()));
        return command;
    }

    /**
     * Distinct ports the kernel just handed out and that nothing listens on; another process could
     * take one before the registry binds it, which then fails the start with the registry's message.
     */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing an unbound-for-accept socket only frees its port; nothing to recover.
                }
            }
        }
    }
}
