package dev.kongjava.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmark run behind {@code bench/run.sh}: one broker, then part 1 (PDK round trip), part 2
 * (end to end with wrk), part 3 (producer path vs ProducerPerformance), part 5 (cold start), part 4
 * (memory and soak), then RESULTS.md, chart.svg and results.json in the results directory. It
 * refuses a working tree with uncommitted changes unless {@code --allow-dirty}.
 *
 * <pre>java -cp bench/target/bench.jar:bench/target/lib/* dev.kongjava.bench.BenchMain
 *     --repo . --node bench/.work/node --results bench/results [--quick] [--parts 1,2,3,4,5] [--allow-dirty]
 * java -cp … dev.kongjava.bench.BenchMain --render bench/results/results.json   (report and chart again)
 * java -cp … dev.kongjava.bench.BenchMain --repo . --compare before.jar,after.jar  (see {@link Compare})</pre>
 */
public final class BenchMain {
    private static final List<String> TOPICS =
            List.of("e2e-async", "e2e-sync", "e2e-fwd", "e2e-js", "soak", "pp-ours", "pp-kafka", "memory", "cold");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".");
        Path results = null;
        Path node = null;
        boolean quick = false;
        boolean keep = false;
        boolean allowDirty = false;
        String compare = null;
        String command = "bench/run.sh";
        Set<Integer> parts = new TreeSet<>(List.of(1, 2, 3, 4, 5));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                case "--node" -> node = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--keep-work" -> keep = true;
                case "--allow-dirty" -> allowDirty = true;
                case "--compare" -> compare = args[++i];
                case "--command" -> command = args[++i];
                case "--render" -> {
                    rerender(Path.of(args[++i]));
                    return;
                }
                case "--parts" -> {
                    parts.clear();
                    for (String p : args[++i].split(",")) {
                        parts.add(Integer.parseInt(p.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        repo = repo.toAbsolutePath().normalize();
        GitState git = GitState.of(repo);
        if (git.dirty() && !allowDirty && compare == null) {
            System.err.println("bench: the working tree has uncommitted changes; results must belong to a commit. "
                    + "Commit first, or pass --allow-dirty (the diff is then saved with the results):\n"
                    + git.changes());
            System.exit(2);
        }
        Env env = Env.of(
                quick,
                repo,
                results == null
                        ? repo.resolve(quick ? "bench/results/quick" : "bench/results")
                        : results.toAbsolutePath(),
                node == null ? repo.resolve("bench/.work/node") : node.toAbsolutePath());
        int code = compare != null ? compare(env, Compare.jars(compare)) : run(env, parts, command, git);
        if (!keep && code == 0) {
            TempDirs.deleteQuietly(env.work());
        } else {
            Log.info("logs kept in %s", env.logs());
        }
        System.exit(code);
    }

    private static int run(Env env, Set<Integer> parts, String command, GitState git) throws Exception {
        long start = System.nanoTime();
        Machine machine = new Machine();
        machine.startSampling();
        Log.info("work directory %s; results go to %s", env.work(), env.results());
        List<PdkRoundTrip.Result> pdk = List.of();
        List<EndToEnd.Result> e2e = List.of();
        ProducerPath.Result producer = null;
        List<ColdStart.Result> cold = List.of();
        Memory.Result memory = null;
        List<JfrProfile.Summary> profiles = new ArrayList<>();
        try (Child broker = startBroker(env)) {
            String bootstrap = bootstrap(broker);
            try (Topics topics = new Topics(bootstrap)) {
                topics.create(TOPICS);
                if (parts.contains(1)) {
                    pdk = new PdkRoundTrip(env).run();
                }
                if (parts.contains(2) || parts.contains(3)) {
                    try (Child kafka = GatewaySetup.startKafkaUpstream(env, "kafka-upstream")) {
                        if (parts.contains(2)) {
                            e2e = endToEnd(env, topics, broker.pid(), bootstrap, kafka, profiles);
                        }
                        if (parts.contains(3)) {
                            producer = new ProducerPath(env, topics, bootstrap).run(kafka, 512);
                        }
                    }
                }
                if (parts.contains(5)) {
                    cold = new ColdStart(env, bootstrap).run();
                }
                if (parts.contains(4)) {
                    memory = memory(env, topics, bootstrap);
                }
            }
        } finally {
            machine.stopSampling();
        }
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        if (git.dirty()) {
            git.writeDiff(env.repo(), env.results());
        } else {
            Files.deleteIfExists(env.results().resolve(GitState.DIFF_FILE)); // from an earlier experiment
        }
        Results r = new Results(
                machine.facts(env, git),
                machine.versions(env),
                machine.load(),
                machine.othersAtStart,
                elapsed,
                command,
                pdk,
                e2e,
                producer,
                cold,
                memory,
                profiles);
        write(env, r);
        r.goals().forEach(g -> Log.info("goal %s: %s — %s", g.met() ? "MET   " : "MISSED", g.goal(), g.measured()));
        return r.syncAssertionHeld() ? 0 : 3;
    }

    /** {@code --compare before.jar,after.jar}: jars side by side (experiments; any tree), to compare.md. */
    private static int compare(Env env, List<Path> jars) throws IOException {
        try (Child broker = startBroker(env);
                Topics topics = new Topics(bootstrap(broker))) {
            String table = new Compare(env, bootstrap(broker), broker.pid()).run(jars, topics);
            Files.createDirectories(env.results());
            Files.writeString(env.results().resolve("compare.md"), table);
            return 0;
        }
    }

    private static String bootstrap(Child broker) {
        return broker.stdoutText()
                .lines()
                .filter(l -> l.startsWith("bootstrap="))
                .findFirst()
                .orElseThrow()
                .substring("bootstrap=".length());
    }

    private static Child startBroker(Env env) throws IOException {
        List<String> cmd =
                List.of(env.java(), "-Xms512m", "-Xmx1g", "-cp", env.benchClassPath(), "dev.kongjava.bench.BrokerMain");
        Child broker = Child.start("broker", cmd, env.logs(), Map.of());
        broker.awaitReady(c -> c.stdoutText().contains("bootstrap="), Duration.ofMinutes(2));
        Log.info("broker up: %s", broker.stdoutText().trim());
        return broker;
    }

    private static List<EndToEnd.Result> endToEnd(
            Env env, Topics topics, long brokerPid, String bootstrap, Child kafka, List<JfrProfile.Summary> profiles)
            throws IOException {
        try (GatewaySetup gw = GatewaySetup.start(env, bootstrap, kafka)) {
            EndToEnd e2e = new EndToEnd(env, topics, brokerPid);
            List<EndToEnd.Result> results = e2e.run(gw);
            Path script = Wrk.script(env.work(), Bodies.write(env.work(), 512));
            for (GatewaySetup.Column c : List.of(GatewaySetup.COLUMNS.get(1), GatewaySetup.COLUMNS.get(0))) {
                Path file = env.work().resolve("profile-" + c.key() + ".jfr");
                JfrProfile.start(gw.serverPid(c), file);
                EndToEnd.Run run = e2e.measure(gw, c, script, env.e2eSeconds(), "profile");
                JfrProfile.stop(gw.serverPid(c));
                profiles.add(JfrProfile.summarize(
                        c.label() + ", 512 B, under wrk (extra run, not in the tables)",
                        file,
                        run.wrk().requests()));
            }
            return results;
        }
    }

    private static Memory.Result memory(Env env, Topics topics, String bootstrap) throws IOException {
        Memory memory = new Memory(env, topics, bootstrap);
        List<RpcClient> open = new ArrayList<>();
        try (Child kafka = GatewaySetup.startKafkaUpstream(env, "kafka-upstream-memory")) {
            long[] footprint = memory.staticFootprint(kafka, open);
            try (GatewaySetup gw = GatewaySetup.start(env, bootstrap, kafka)) {
                return memory.soak(gw, footprint);
            }
        } finally {
            for (RpcClient c : open) {
                c.close();
            }
        }
    }

    private static void write(Env env, Results r) throws IOException {
        Files.createDirectories(env.results());
        Files.writeString(env.results().resolve("RESULTS.md"), Report.markdown(r));
        Files.writeString(env.results().resolve("chart.svg"), Chart.svg(r));
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(env.results().resolve("results.json").toFile(), r);
        Log.info("wrote %s", env.results().resolve("RESULTS.md"));
    }

    /** Writes RESULTS.md and chart.svg again from a results.json (after a change of the report only). */
    private static void rerender(Path json) throws IOException {
        Results r = new ObjectMapper().readValue(json.toFile(), Results.class);
        Path dir = json.toAbsolutePath().getParent();
        Files.writeString(dir.resolve("RESULTS.md"), Report.markdown(r));
        Files.writeString(dir.resolve("chart.svg"), Chart.svg(r));
        Log.info("rendered %s and chart.svg from %s", dir.resolve("RESULTS.md"), json);
    }
}
