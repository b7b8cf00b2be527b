package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start: how long after its process starts a plugin server answers its first request with 200.
 * Each round starts a fresh process per column (in an order that rotates), then plays Kong over its
 * socket as soon as it accepts: StartInstance and one access event with a 512 B JSON body, then 50
 * more requests one after the other (their median: how fast it gets once it runs). Nothing is kept
 * between rounds but the broker. Generic on purpose: any server kind, process start to first 200.
 */
final class ColdStart {
    /** A server kind and the plugin config it starts with. */
    record Target(String key, String label, String plugin, String config) {}

    /** One fresh process: ms from its start to accepting, to the first 200; the first request and the median of the next ones, ms. */
    record Round(double acceptMs, double firstOkMs, double firstRequestMs, double warmRequestMs) {}

    /** All rounds of one column. */
    record Result(String key, String label, List<Round> rounds) {
        Samples.Spread acceptMs() {
            return Samples.Spread.of(rounds.stream().map(Round::acceptMs).toList());
        }

        Samples.Spread firstOkMs() {
            return Samples.Spread.of(rounds.stream().map(Round::firstOkMs).toList());
        }

        Samples.Spread firstRequestMs() {
            return Samples.Spread.of(rounds.stream().map(Round::firstRequestMs).toList());
        }

        Samples.Spread warmRequestMs() {
            return Samples.Spread.of(rounds.stream().map(Round::warmRequestMs).toList());
        }
    }

    private static final int WARM_REQUESTS = 50;

    private final Env env;
    private final String bootstrap;

    ColdStart(Env env, String bootstrap) {
        this.env = env;
        this.bootstrap = bootstrap;
    }

    List<Target> targets() {
        String[] hp = bootstrap.split(":");
        String brokers =
                "\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1] + "}],\"topic\":\"cold\"";
        return List.of(
                new Target("a", "(a) no-op Java plugin", "bench-noop", "{\"calls\":0}"),
                new Target("b", "(b) kafka-upstream, default config (async)", "kafka-upstream", "{" + brokers + "}"),
                new Target(
                        "c",
                        "(c) kafka-upstream, sync, acks=1",
                        "kafka-upstream",
                        "{" + brokers + ",\"producer_async\":false,\"producer_request_acks\":1}"),
                new Target(
                        "e",
                        "(e) JS plugin server + kafkajs",
                        "kafka-js",
                        "{\"bootstrap\":\"" + bootstrap + "\",\"topic\":\"cold\"}"));
    }

    List<Result> run() throws IOException {
        List<Target> targets = targets();
        Map<String, List<Round>> rounds = new LinkedHashMap<>();
        targets.forEach(t -> rounds.put(t.key(), new ArrayList<>()));
        for (int r = 0; r < env.coldRounds(); r++) {
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get((i + r) % targets.size());
                Round round = measure(t, r);
                rounds.get(t.key()).add(round);
                Log.info(
                        "cold start round %d %s: accepting after %.0f ms, first 200 after %.0f ms "
                                + "(first request %.1f ms, warm %.2f ms)",
                        r + 1,
                        t.key(),
                        round.acceptMs(),
                        round.firstOkMs(),
                        round.firstRequestMs(),
                        round.warmRequestMs());
            }
        }
        return targets.stream()
                .map(t -> new Result(t.key(), t.label(), rounds.get(t.key())))
                .toList();
    }

    private Round measure(Target t, int round) throws IOException {
        String name = "cold-" + t.key() + "-" + round;
        Path socket = env.work().resolve(name + ".sock");
        Files.deleteIfExists(socket);
        long start = System.nanoTime();
        try (Child server =
                Child.start(name, command(t, socket), env.logs(), t.key().equals("e") ? env.nodeEnv() : Map.of())) {
            server.awaitSocket(socket, 2);
            long accepting = System.nanoTime();
            KongEvent.CannedRequest request = KongEvent.CannedRequest.json(512);
            try (RpcClient client = new RpcClient(socket)) {
                long instance = KongEvent.startInstance(client, t.plugin(), t.config());
                expect200(t, KongEvent.access(client, instance, request, KongEvent.Timer.NONE));
                long firstOk = System.nanoTime();
                long[] warm = new long[WARM_REQUESTS];
                for (int i = 0; i < warm.length; i++) {
                    long t0 = System.nanoTime();
                    expect200(t, KongEvent.access(client, instance, request, KongEvent.Timer.NONE));
                    warm[i] = System.nanoTime() - t0;
                }
                Arrays.sort(warm);
                return new Round(
                        (accepting - start) / 1e6,
                        (firstOk - start) / 1e6,
                        (firstOk - accepting) / 1e6,
                        Samples.percentileSorted(warm, 50) / 1e6);
            }
        }
    }

    private List<String> command(Target t, Path socket) {
        return switch (t.key()) {
            case "a" -> env.benchJava("dev.kongjava.bench.NoopServerMain", List.of("--socket", socket.toString()));
            case "e" ->
                env.jsServer(
                        "kafka",
                        List.of(
                                "-p",
                                socket.getParent().toString(),
                                "--sock-name",
                                socket.getFileName().toString()));
            default -> env.kafkaUpstream(List.of("--socket", socket.toString()));
        };
    }

    private static void expect200(Target t, int status) throws IOException {
        if (status != 200) {
            throw new IOException("cold start of " + t.key() + ": expected 200, got " + status);
        }
    }
}
