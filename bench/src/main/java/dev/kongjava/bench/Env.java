package dev.kongjava.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where everything is and how long each part runs. {@code --quick} is a smoke run (minutes);
 * the default full run is what bench/results/RESULTS.md comes from.
 */
record Env(
        boolean quick,
        Path repo,
        Path work,
        Path results,
        Path nodeDir,
        String java,
        int pdkWarmup,
        int pdkRounds,
        int pdkSequences,
        int pdkSteps,
        int e2eWarmupSeconds,
        int e2eRounds,
        int e2eSeconds,
        int connections,
        int nginxWorkers,
        int producerRounds,
        int producerSeconds,
        int producerConnections,
        int soakSeconds,
        int memoryInstances,
        int memoryConnections,
        List<Integer> bodySizes,
        int coldRounds) {

    /** JVM options of every server under test: the launcher's defaults (kong-config/kafka-upstream). */
    static final List<String> SERVER_JVM = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Xms64m",
            "-Xmx768m",
            "-XX:+ExitOnOutOfMemoryError");

    /**
     * The JVM options of the servers under test; {@code BENCH_SERVER_JAVA_OPTS} appends options for
     * experiments (then the report says so: such a run is not the product's configuration).
     */
    static List<String> serverJvm() {
        List<String> opts = new ArrayList<>(SERVER_JVM);
        String extra = System.getenv("BENCH_SERVER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            opts.addAll(List.of(extra.trim().split("\\s+")));
        }
        return opts;
    }

    static Env of(boolean quick, Path repo, Path results, Path nodeDir) throws IOException {
        Path work = Files.createTempDirectory(Path.of("/tmp"), "kjbench-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Integer> sizes = List.of(512, 8192);
        // Rounds: every column runs once per round, in an order that rotates; ratios are paired by
        // round, so the spread over 9 (part 1) and 7 (parts 2, 3) rounds says how far a ratio moves
        // with the machine's load.
        if (quick) {
            return new Env(
                    true, repo, work, results, nodeDir, java, 3000, 3, 3000, 4, 4, 3, 5, 32, 2, 3, 6, 32, 60, 1000, 512,
                    sizes, 2);
        }
        return new Env(
                false, repo, work, results, nodeDir, java, 20000, 9, 20000, 4, 8, 7, 8, 32, 2, 5, 10, 32, 600, 1000,
                512, sizes, 5);
    }

    Path kafkaUpstreamJar() {
        return repo.resolve("plugin-kafka-upstream/target/kafka-upstream.jar");
    }

    /** Class path of the bench module and all its dependencies (broker, echo, no-op server, ProducerPerformance). */
    String benchClassPath() {
        Path target = repo.resolve("bench/target");
        return target.resolve("bench.jar") + File.pathSeparator + target.resolve("lib") + File.separator + "*";
    }

    Path jsPluginServer() {
        return nodeDir.resolve("node_modules/kong-pdk/bin/kong-js-pluginserver");
    }

    Path jsPlugins(String which) {
        return repo.resolve("bench/js").resolve(which);
    }

    Map<String, String> nodeEnv() {
        return Map.of("NODE_PATH", nodeDir.resolve("node_modules").toString());
    }

    Path logs() {
        return work.resolve("logs");
    }

    /** {@code java <server JVM options> -cp <bench class path> <main> <args>}. */
    List<String> benchJava(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(serverJvm());
        cmd.add("-cp");
        cmd.add(benchClassPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The kafka-upstream server exactly as the launcher runs it (minus --exit-with-parent). */
    List<String> kafkaUpstream(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(serverJvm());
        cmd.add("-jar");
        cmd.add(kafkaUpstreamJar().toString());
        cmd.addAll(args);
        return cmd;
    }

    /** Kong's {@code query_cmd} for a kafka-upstream jar: its --dump on a small, quick JVM, as the launcher runs it. */
    List<String> dumpCommand(Path jar) {
        return List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-jar", jar.toString(), "--dump");
    }

    /** Kong's JS plugin server (kong-pdk) serving one plugin directory. */
    List<String> jsServer(String pluginDir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                "node", jsPluginServer().toString(), "-d", jsPlugins(pluginDir).toString()));
        cmd.addAll(args);
        return cmd;
    }
}
