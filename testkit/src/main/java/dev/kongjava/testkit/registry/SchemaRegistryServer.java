package dev.kongjava.testkit.registry;

import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real schema registry with the Confluent Schema Registry REST API: Apicurio Registry 3, started
 * from its published Quarkus distribution as a process of its own, on free 127.0.0.1 ports, with
 * in-memory storage (nothing survives {@link #close()}).
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.start()) {
 *   int id = registry.register("orders-value", SchemaType.AVRO, avsc);
 *   String url = registry.confluentUrl(); // what a Confluent client is configured with
 *   Object decoded = registry.decoder().avro(record.value());
 * }
 * }</pre>
 *
 * <p>The distribution is found in the directory named by the system property {@value #HOME_PROPERTY};
 * the parent pom's {@code unpack-schema-registry} execution unpacks it and failsafe sets the property.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    /** The system property naming the unpacked Apicurio Registry distribution. */
    public static final String HOME_PROPERTY = "kongjava.schema-registry.home";

    // A cold start on a busy 2-core machine took 16 s; later starts take 3 to 7 s.
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String CONFLUENT_PATH = "/apis/ccompat/v7";
    private static final int LOG_LINES_IN_ERRORS = 40;

    private final Process process;
    private final Path workDir;
    private final String url;
    private final ConfluentApi api;
    private final Thread killOnExit;
    private ConfluentDecoder decoder;

    private SchemaRegistryServer(Process process, Path workDir, int port) {
        this.process = process;
        this.workDir = workDir;
        this.url = "http://127.0.0.1:" + port;
        this.api = new ConfluentApi(url + CONFLUENT_PATH);
        // A test JVM that exits without close() (a failed @BeforeAll, a failsafe timeout) must not
        // leave a registry running.
        this.killOnExit = new Thread(process::destroyForcibly, "stop schema registry " + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts a registry with the default settings and waits until its Confluent API answers.
     *
     * @return the running registry; close it to stop it
     */
    public static SchemaRegistryServer start() {
        return builder().start();
    }

    /**
     * Starts describing a registry; {@link Builder#start()} starts it.
     *
     * @return a builder with the distribution from {@value #HOME_PROPERTY} and no extra settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The registry's base URL.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return url;
    }

    /**
     * The base URL of the Confluent-compatible API, what a Confluent client (and the plugin's
     * {@code schema_registry.confluent.url}) is configured with.
     *
     * @return {@code http://127.0.0.1:<port>/apis/ccompat/v7}
     */
    public String confluentUrl() {
        return url + CONFLUENT_PATH;
    }

    /**
     * Registers a schema under a subject through the Confluent API ({@code POST
     * /subjects/<subject>/versions}); registering the same schema again returns the same id.
     *
     * @param subject the subject, e.g. {@code orders-value}
     * @param type the schema language
     * @param schema the schema text (Avro JSON or a JSON Schema document)
     * @return the schema id that Confluent wire-format records carry
     */
    public int register(String subject, SchemaType type, String schema) {
        return api.register(subject, type, schema);
    }

    /**
     * Reads one version of a subject through the Confluent API.
     *
     * @param subject the subject
     * @param version a version number or {@code latest}
     * @return the subject's version with its schema
     */
    public SubjectVersion version(String subject, String version) {
        return api.version(subject, version);
    }

    /**
     * Reads a schema by id through the Confluent API ({@code GET /schemas/ids/<id>}).
     *
     * @param id a schema id
     * @return the schema
     */
    public RegisteredSchema schemaById(int id) {
        return api.schemaById(id);
    }

    /**
     * The reader of Confluent wire-format records against this registry, created on first use and
     * closed with the registry.
     *
     * @return the decoder
     */
    public synchronized ConfluentDecoder decoder() {
        if (decoder == null) {
            decoder = new ConfluentDecoder(url + "/apis/registry/v2");
        }
        return decoder;
    }

    /**
     * Returns whether the registry process is running.
     *
     * @return true until it exits or is closed
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Everything the registry printed, including its access log (one line per request).
     *
     * @return the log so far
     */
    public String log() {
        try {
            Path log = workDir.resolve("registry.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema registry log", e);
        }
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 20 s) and deletes its files; its data is gone. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (decoder != null) {
                    decoder.close();
                }
            }
            stopProcess();
        } finally {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
            TempDirs.deleteQuietly(workDir);
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!api.answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the schema registry exited with " + process.exitValue()
                        + " before it answered on " + confluentUrl() + "; its log ends with:\n" + logTail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the schema registry did not answer on " + confluentUrl()
                        + " within " + READY_TIMEOUT.toSeconds() + " s; its log ends with:\n" + logTail());
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing an unconnected socket only frees its port; nothing to recover.
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }

    /** Describes a registry to start: where the distribution is and extra Quarkus or Apicurio settings. */
    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Path home;

        private Builder() {
            String configured = System.getProperty(HOME_PROPERTY);
            home = configured == null ? null : Path.of(configured);
        }

        /**
         * Uses the Apicurio Registry distribution unpacked in {@code dir} (it holds {@code quarkus-run.jar}).
         *
         * @param dir the distribution directory
         * @return this builder
         */
        public Builder home(Path dir) {
            this.home = dir;
            return this;
        }

        /**
         * Sets a registry setting (a Quarkus or Apicurio property such as
         * {@code apicurio.auth.anonymous-read-access.enabled}), applied over the harness's own.
         *
         * @param key the setting
         * @param value its value
         * @return this builder
         */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /**
         * Starts the registry and waits until its Confluent API answers.
         *
         * @return the running registry
         */
        public SchemaRegistryServer start() {
            Path runner = runnerJar();
            Path workDir = TempDirs.create("schema-registry-");
            int[] ports = freePorts(2);
            int port = ports[0];
            ProcessBuilder builder = new ProcessBuilder(command(runner, workDir, port, ports[1]))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("registry.log").toFile());
            SchemaRegistryServer server;
            try {
                server = new SchemaRegistryServer(builder.start(), workDir, port);
            } catch (IOException e) {
                TempDirs.deleteQuietly(workDir);
                throw new UncheckedIOException("cannot start the schema registry " + runner, e);
            }
            try {
                server.awaitReady();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        private Path runnerJar() {
            Path runner = home == null ? null : home.resolve("quarkus-run.jar");
            if (runner == null || !Files.isRegularFile(runner)) {
                throw new IllegalStateException("no Apicurio Registry distribution at " + home + ": set the system "
                        + "property " + HOME_PROPERTY + " to the unpacked io.apicurio:apicurio-registry-app:"
                        + "<version>:tar.gz:all (the parent pom's unpack-schema-registry execution unpacks it in "
                        + "pre-integration-test when a module sets schema-registry.skip=false)");
            }
            return runner;
        }

        private List<String> command(Path runner, Path workDir, int port, int managementPort) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("quarkus.http.host", "127.0.0.1");
            settings.put("quarkus.http.port", Integer.toString(port));
            // The management interface (health, metrics) is on by build; keep it off the network.
            settings.put("quarkus.management.host", "127.0.0.1");
            settings.put("quarkus.management.port", Integer.toString(managementPort));
            // In-memory H2 (the distribution's default storage) with a small pool: a quicker start.
            settings.put("apicurio.datasource.jdbc.initial-size", "2");
            settings.put("apicurio.datasource.jdbc.min-size", "2");
            settings.put("apicurio.storage.snapshot.location", workDir.toString());
            settings.putAll(properties);
            List<String> command = new ArrayList<>(List.of(JavaProcess.javaBinary(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    // A class-data archive next to the distribution, written by the first run: later
                    // starts take about 2.5 s instead of 4.
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
                sockets.forEach(SchemaRegistryServer::closeQuietly);
            }
        }
    }
}
