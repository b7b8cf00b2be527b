package dev.kongjava.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Part 5, cold starts: what the first request after a start or reload costs. Each round starts a
 * fresh kafka-upstream server exactly as the launcher does, connects the moment its socket accepts
 * (Kong sends requests as soon as it can), and runs StartInstance and the first access event
 * (default config, 512 B JSON) as Kong's first request on that route would; then, on the same
 * instance, {@link #STEADY} more requests give the steady-state median of the same process. Written
 * to {@code cold-start.md} and {@code cold-start.json} in the results directory.
 */
final class ColdStart {
    static final String TOPIC = "cold-start";
    private static final int STEADY = 200;

    /** One cold start, in milliseconds from the process's start. */
    record Round(double acceptingMs, double firstRequestMs, double firstOkMs, double steadyMedianMs) {}

    /** Medians and min–max spreads over the rounds; the machine's load average before and after. */
    record Result(List<Round> rounds, Samples.Spread accepting, Samples.Spread firstRequest, Samples.Spread firstOk,
            Samples.Spread steadyMedian, long seconds, String loadBefore, String loadAfter) {}

    private final Env env;
    private final String config;

    ColdStart(Env env, String bootstrap) {
        this.env = env;
        String[] hp = bootstrap.split(":");
        this.config = "{\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1] + "}],\"topic\":\"" + TOPIC + "\"}";
    }

    Result run() throws IOException {
        int n = env.quick() ? 3 : 7;
        long start = System.nanoTime();
        String loadBefore = loadAverage();
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rounds.add(round(i));
            Log.info("cold start %d/%d: %s", i + 1, n, rounds.getLast());
        }
        return new Result(rounds, spread(rounds, Round::acceptingMs), spread(rounds, Round::firstRequestMs),
                spread(rounds, Round::firstOkMs), spread(rounds, Round::steadyMedianMs),
                Duration.ofNanos(System.nanoTime() - start).toSeconds(), loadBefore, loadAverage());
    }

    private Round round(int i) throws IOException {
        Path socket = env.work().resolve("cold-" + i + ".sock");
        long start = System.nanoTime();
        try (Child server = Child.start("cold-start-" + i, env.kafkaUpstream(List.of("--socket", socket.toString())),
                env.logs(), Map.of())) {
            server.awaitSocket(socket);
            long accepting = System.nanoTime();
            try (RpcClient client = new RpcClient(socket)) {
                KongEvent.CannedRequest request = KongEvent.CannedRequest.json(512);
                long instance = KongEvent.startInstance(client, "kafka-upstream", config);
                expect200(KongEvent.access(client, instance, request, KongEvent.Timer.NONE), "the first request");
                long firstOk = System.nanoTime();
                long[] steady = new long[STEADY];
                for (int r = 0; r < STEADY; r++) {
                    long t0 = System.nanoTime();
                    expect200(KongEvent.access(client, instance, request, KongEvent.Timer.NONE), "a steady request");
                    steady[r] = System.nanoTime() - t0;
                }
                return new Round(millis(accepting - start), millis(firstOk - accepting), millis(firstOk - start),
                        millis(Samples.percentile(steady, STEADY, 50)));
            }
        }
    }

    private static void expect200(int status, String what) throws IOException {
        if (status != 200) {
            throw new IOException(what + " after a cold start answered " + status);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static Samples.Spread spread(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
        return Samples.Spread.of(rounds.stream().map(r -> value.applyAsDouble(r)).toList());
    }

    /** The 1-, 5- and 15-minute load averages: the machine is shared, so the report says how busy it was. */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    /** cold-start.md and cold-start.json: this part's own results, beside the main report. */
    static void write(Path results, Result r, String command) throws IOException {
        Files.createDirectories(results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
                results.resolve("cold-start.json").toFile(), r);
        StringBuilder md = new StringBuilder("# Cold starts\n\n")
                .append("`").append(command).append("`, ").append(r.rounds().size()).append(" rounds in ")
                .append(r.seconds()).append(" s on ").append(Runtime.getRuntime().availableProcessors())
                .append(" shared cores, load average ").append(r.loadBefore()).append(" before and ")
                .append(r.loadAfter()).append(" after. Each round: a fresh kafka-upstream server as the launcher runs ")
                .append("it, StartInstance and an access event (default config, 512 B JSON) the moment its socket ")
                .append("accepts, then ").append(STEADY).append(" more requests on the same instance. Milliseconds, ")
                .append("median (min–max).\n\n")
                .append("| Measure | ms |\n|---|---|\n")
                .append("| process start → socket accepts (JVM start) | ").append(r.accepting().format("%.0f")).append(" |\n")
                .append("| **first request**: StartInstance → 200 | **").append(r.firstRequest().format("%.0f")).append("** |\n")
                .append("| process start → first 200 | ").append(r.firstOk().format("%.0f")).append(" |\n")
                .append("| steady state, p50 of the same process | ").append(r.steadyMedian().format("%.2f")).append(" |\n\n")
                .append("| Round | accepts | first request | first 200 | steady p50 |\n|---|---|---|---|---|\n");
        for (int i = 0; i < r.rounds().size(); i++) {
            Round x = r.rounds().get(i);
            md.append(String.format("| %d | %.0f | %.0f | %.0f | %.2f |%n", i + 1, x.acceptingMs(), x.firstRequestMs(),
                    x.firstOkMs(), x.steadyMedianMs()));
        }
        Files.writeString(results.resolve("cold-start.md"), md.toString());
    }
}
