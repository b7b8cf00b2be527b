package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 3: the producer path without nginx. A Java driver plays Kong over {@code connections} sockets
 * (one outstanding request per connection, no pipelining) against kafka-upstream in its default
 * (async) config, versus Kafka's own ProducerPerformance writing records of the same size to the same
 * broker: once with Kafka's producer defaults, once with the producer settings kafka-upstream derives
 * from its defaults. Records/s counts records that reached the topic.
 */
final class ProducerPath {
    private static final Pattern PP = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");
    /** kafka-upstream's producer settings for its default config (ProducerSettings). */
    static final List<String> PLUGIN_PRODUCER = List.of(
            "acks=1",
            "enable.idempotence=false",
            "linger.ms=1000",
            "batch.size=204800",
            "max.request.size=1048576",
            "compression.type=none");

    static final List<String> KAFKA_DEFAULT_PRODUCER = List.of("acks=1");

    /** One round: our delivered records/s and ProducerPerformance's two runs. */
    record Round(
            double ours,
            long accepted,
            long delivered,
            long rejected,
            double ppDefaults,
            double ppPlugin,
            double serverCpuUsPerRecord,
            double driverCpuUsPerRecord) {}

    /** All rounds at one body size. */
    record Result(int bodySize, int recordSize, int connections, List<Round> rounds) {
        Samples.Spread ours() {
            return Samples.Spread.of(rounds.stream().map(Round::ours).toList());
        }

        Samples.Spread ppDefaults() {
            return Samples.Spread.of(rounds.stream().map(Round::ppDefaults).toList());
        }

        Samples.Spread ppPlugin() {
            return Samples.Spread.of(rounds.stream().map(Round::ppPlugin).toList());
        }
    }

    private final Env env;
    private final Topics topics;
    private final String bootstrap;
    private int ppRecords;

    ProducerPath(Env env, Topics topics, String bootstrap) {
        this.env = env;
        this.topics = topics;
        this.bootstrap = bootstrap;
    }

    Result run(Child kafkaServer, int bodySize) throws IOException {
        Path socket = env.work().resolve("ku.sock");
        String[] hp = bootstrap.split(":");
        String config =
                "{\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1] + "}],\"topic\":\"pp-ours\"}";
        long instance;
        try (RpcClient c = new RpcClient(socket)) {
            instance = KongEvent.startInstance(c, "kafka-upstream", config);
        }
        Log.info("part 3: warming up (driver %d s, ProducerPerformance once)", env.producerSeconds());
        drive(socket, instance, bodySize, env.producerSeconds(), kafkaServer.pid());
        int recordSize = topics.lastRecordSize("pp-ours");
        ppRecords = env.producerSeconds() * 20000;
        double warm = producerPerformance(recordSize, KAFKA_DEFAULT_PRODUCER);
        ppRecords = (int) Math.max(50000, warm * env.producerSeconds());
        List<Round> rounds = new ArrayList<>();
        for (int r = 0; r < env.producerRounds(); r++) {
            double[] ours = null;
            double ppDefaults = 0;
            double ppPlugin = 0;
            for (int k = 0; k < 3; k++) { // the three runs of a round, in an order that rotates
                switch ((k + r) % 3) {
                    case 0 -> ours = drive(socket, instance, bodySize, env.producerSeconds(), kafkaServer.pid());
                    case 1 -> ppDefaults = producerPerformance(recordSize, KAFKA_DEFAULT_PRODUCER);
                    default -> ppPlugin = producerPerformance(recordSize, PLUGIN_PRODUCER);
                }
            }
            Round round = new Round(
                    ours[0], (long) ours[1], (long) ours[2], (long) ours[3], ppDefaults, ppPlugin, ours[4], ours[5]);
            rounds.add(round);
            Log.info(
                    "part 3 round %d: ours %.0f records/s (accepted %d, delivered %d, 503 %d); "
                            + "ProducerPerformance %.0f (Kafka defaults), %.0f (plugin settings); record %d B",
                    r + 1,
                    ours[0],
                    round.accepted(),
                    round.delivered(),
                    round.rejected(),
                    ppDefaults,
                    ppPlugin,
                    recordSize);
        }
        return new Result(bodySize, recordSize, env.producerConnections(), rounds);
    }

    /**
     * Drives the server at full speed for {@code seconds}; returns {delivered records/s, accepted,
     * delivered, rejected, server CPU us per record, driver CPU us per record}.
     */
    private double[] drive(Path socket, long instance, int bodySize, int seconds, long serverPid) throws IOException {
        LongAdder ok = new LongAdder();
        LongAdder rejected = new LongAdder();
        KongEvent.CannedRequest request = KongEvent.CannedRequest.json(bodySize);
        long before = topics.count("pp-ours");
        long self = ProcessHandle.current().pid();
        long server0 = ProcStat.cpuMillis(serverPid);
        long driver0 = ProcStat.cpuMillis(self);
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < env.producerConnections(); i++) {
            threads.add(Thread.ofPlatform().name("driver-" + i).start(() -> {
                try (RpcClient client = new RpcClient(socket)) {
                    while (System.nanoTime() < deadline) {
                        int status = KongEvent.access(client, instance, request, KongEvent.Timer.NONE);
                        (status == 200 ? ok : rejected).increment();
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            join(t);
        }
        if (!failures.isEmpty()) {
            throw new IOException("driver failed: " + failures.get(0), failures.get(0));
        }
        long serverCpu = ProcStat.cpuMillis(serverPid) - server0;
        long driverCpu = ProcStat.cpuMillis(self) - driver0;
        Topics.Settled settled = topics.settle("pp-ours", Duration.ofMillis(1500), Duration.ofSeconds(30));
        long delivered = settled.count() - before;
        double elapsed = (settled.lastChangeNanos() - t0) / 1e9;
        return new double[] {
            delivered / elapsed,
            ok.sum(),
            delivered,
            rejected.sum(),
            serverCpu * 1000.0 / Math.max(1, delivered),
            driverCpu * 1000.0 / Math.max(1, delivered)
        };
    }

    /** One ProducerPerformance run in its own JVM; returns its records/sec. */
    private double producerPerformance(int recordSize, List<String> props) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--topic",
                "pp-kafka",
                "--num-records",
                String.valueOf(ppRecords),
                "--record-size",
                String.valueOf(recordSize),
                "--throughput",
                "-1",
                "--producer-props",
                "bootstrap.servers=" + bootstrap));
        args.addAll(props);
        List<String> cmd = new ArrayList<>(List.of(
                env.java(), "-Xmx512m", "-cp", env.benchClassPath(), "org.apache.kafka.tools.ProducerPerformance"));
        cmd.addAll(args);
        try (Child pp = Child.start("producer-performance", cmd, env.logs(), Map.of())) {
            int code = pp.await(Duration.ofMinutes(5));
            String out = pp.stdoutText();
            Matcher m = PP.matcher(out);
            double last = -1;
            while (m.find()) {
                last = Double.parseDouble(m.group(2));
            }
            if (code != 0 || last < 0) {
                throw new IOException("ProducerPerformance failed (" + code + "): " + out + Child.tail(pp.stderr));
            }
            return last;
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
