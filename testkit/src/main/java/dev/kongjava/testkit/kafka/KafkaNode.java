package dev.kongjava.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * One combined-mode KRaft node (broker and controller in one server) inside this JVM, shared by
 * {@link KafkaBroker} and {@link KafkaCluster}.
 *
 * <p>The node owns a log directory under the given root and can be stopped and started again on the
 * same directory, which is how the harness simulates a broker outage.
 */
final class KafkaNode {
    static {
        QuietLogging.apply();
        // Kafka's fatal-fault handlers halt the process; in a test JVM that would kill the whole
        // surefire/failsafe fork and hide the cause, so turn halts and exits into exceptions.
        Exit.setHaltProcedure(KafkaNode::refuseExit);
        Exit.setExitProcedure(KafkaNode::refuseExit);
    }

    // kafka_2.13 declares kafka-server, home of KafkaConfig's superclass, as a runtime dependency,
    // so javac cannot compile a direct call to the static KafkaConfig.fromProps.
    private static final MethodHandle FROM_PROPS = fromPropsHandle();

    private static final Duration PARALLEL_TIMEOUT = Duration.ofSeconds(60);

    private final int nodeId;
    private final Path logDir;
    private final Path configFile;
    private final Properties config;
    private KafkaRaftServer server;

    /**
     * Creates a stopped node; {@code config} must hold everything except {@code log.dirs}, which the
     * node sets to {@code root/node-<id>}.
     */
    KafkaNode(int nodeId, Path root, Properties config) {
        this.nodeId = nodeId;
        this.logDir = root.resolve("node-" + nodeId);
        this.configFile = root.resolve("node-" + nodeId + ".properties");
        this.config = new Properties();
        this.config.putAll(config);
        this.config.setProperty("node.id", Integer.toString(nodeId));
        this.config.setProperty("log.dirs", logDir.toString());
    }

    int nodeId() {
        return nodeId;
    }

    /**
     * Formats the log directory for {@code clusterId} with the given extra StorageTool arguments
     * (such as {@code --add-scram}); a directory formatted by an earlier run is kept as it is.
     *
     * @return the cluster id the directory belongs to
     */
    String formatIfNeeded(String clusterId, List<String> extraArgs) {
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            return readClusterId(meta);
        }
        writeConfigFile();
        List<String> args =
                new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config", configFile.toString()));
        args.addAll(extraArgs);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args.toArray(String[]::new), out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka log dir " + logDir + " failed: " + e, e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting Kafka log dir " + logDir + " failed with exit code " + exitCode
                    + ": " + output.toString(StandardCharsets.UTF_8).strip());
        }
        return clusterId;
    }

    /** Starts the node and returns once its broker is unfenced and serving requests. */
    synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("Kafka node " + nodeId + " is already running");
        }
        KafkaRaftServer candidate = new KafkaRaftServer(kafkaConfig(config), Time.SYSTEM);
        try {
            candidate.startup();
        } catch (RuntimeException e) {
            try {
                shutDown(candidate);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IllegalStateException("Kafka node " + nodeId + " failed to start: " + e, e);
        }
        server = candidate;
    }

    /**
     * Shuts the node down and waits until it has stopped; data stays. Whether the broker first hands
     * its partitions over depends on {@code controlled.shutdown.enable} in its settings.
     */
    synchronized void stop() {
        if (server != null) {
            KafkaRaftServer running = server;
            server = null;
            shutDown(running);
        }
    }

    synchronized boolean running() {
        return server != null;
    }

    /**
     * Runs {@code task} ({@code action} names it in errors) on every node at once, one thread each,
     * and waits up to a minute for all of them.
     */
    static void inParallel(Collection<KafkaNode> nodes, String action, Consumer<KafkaNode> task) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (KafkaNode node : nodes) {
            running.add(CompletableFuture.runAsync(
                    () -> task.accept(node),
                    r -> Thread.ofPlatform()
                            .name("kafka-node-" + node.nodeId + "-" + action)
                            .start(r)));
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .get(PARALLEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + action + " every Kafka node: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka nodes did not " + action + " within " + PARALLEL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka nodes to " + action, e);
        }
    }

    /** Validates the settings as the broker would ({@code doLog=false}: no settings dump in the log). */
    private static KafkaConfig kafkaConfig(Properties config) {
        try {
            return (KafkaConfig) FROM_PROPS.invoke(config, false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("KafkaConfig.fromProps failed: " + e, e);
        }
    }

    private static MethodHandle fromPropsHandle() {
        try {
            return MethodHandles.publicLookup()
                    .findStatic(
                            KafkaConfig.class,
                            "fromProps",
                            MethodType.methodType(KafkaConfig.class, Properties.class, boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this kafka_2.13 has no KafkaConfig.fromProps(Properties, boolean)", e);
        }
    }

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private void writeConfigFile() {
        try {
            Files.createDirectories(logDir);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                config.store(out, "in-JVM test node " + nodeId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Kafka config " + configFile, e);
        }
    }

    private static String readClusterId(Path meta) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null) {
            throw new IllegalStateException(meta + " has no cluster.id; delete the directory to reformat");
        }
        return clusterId;
    }

    private static void refuseExit(int statusCode, String message) {
        throw new IllegalStateException("Kafka asked to end the JVM with status " + statusCode
                + (message == null ? "" : ": " + message) + "; the in-JVM test broker refuses");
    }
}
