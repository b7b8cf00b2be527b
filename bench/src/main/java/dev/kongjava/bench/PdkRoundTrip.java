package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 1: microseconds per PDK round trip. The same client (one connection, one call at a time, as
 * Kong) runs HandleEvent + {@code steps} x Step(get_header) + exit against each server; the rounds of
 * the servers are interleaved so that machine noise hits every column alike.
 */
final class PdkRoundTrip {
    /** One server under test: how to start it and which plugin instance to ask for. */
    record Target(
            String key,
            String label,
            List<String> command,
            Map<String, String> env,
            Path socket,
            String plugin,
            String config) {}

    /** Per-call latency of one target over the rounds, and the server's CPU time per call. */
    record Result(
            String key,
            String label,
            Samples.Spread medianUs,
            Samples.Spread p99Us,
            Samples.Spread serverCpuUsPerCall,
            List<Double> roundMediansUs) {}

    private final Env env;

    PdkRoundTrip(Env env) {
        this.env = env;
    }

    List<Target> targets() {
        int n = env.pdkSteps();
        Path w = env.work();
        String calls = "{\"calls\":" + n + "}";
        return List.of(
                new Target(
                        "echo",
                        "raw MessagePack echo (platform threads)",
                        env.benchJava(
                                "dev.kongjava.bench.EchoServer",
                                List.of(w.resolve("echo.sock").toString(), String.valueOf(n), "platform")),
                        Map.of(),
                        w.resolve("echo.sock"),
                        "echo",
                        "{}"),
                new Target(
                        "echo-vt",
                        "raw MessagePack echo (virtual threads)",
                        env.benchJava(
                                "dev.kongjava.bench.EchoServer",
                                List.of(w.resolve("echo-vt.sock").toString(), String.valueOf(n), "virtual")),
                        Map.of(),
                        w.resolve("echo-vt.sock"),
                        "echo",
                        "{}"),
                new Target(
                        "ours",
                        "our plugin server (bench-noop, calls=" + n + ")",
                        env.benchJava(
                                "dev.kongjava.bench.NoopServerMain",
                                List.of("--socket", w.resolve("ours-pdk.sock").toString())),
                        Map.of(),
                        w.resolve("ours-pdk.sock"),
                        "bench-noop",
                        calls),
                new Target(
                        "ours-ra",
                        "our plugin server, the same reads declared as ReadAhead",
                        env.benchJava(
                                "dev.kongjava.bench.NoopServerMain",
                                List.of("--socket", w.resolve("ours-ra.sock").toString())),
                        Map.of(),
                        w.resolve("ours-ra.sock"),
                        "bench-noop",
                        "{\"calls\":" + n + ",\"read_ahead\":true}"),
                new Target(
                        "js",
                        "Kong's JS plugin server kong-pdk 0.6.0 (bench-calls.js)",
                        env.jsServer("calls", List.of("-p", w.toString(), "--sock-name", "js-pdk.sock")),
                        env.nodeEnv(),
                        w.resolve("js-pdk.sock"),
                        "bench-calls",
                        calls));
    }

    List<Result> run() throws IOException {
        List<Target> targets = targets();
        List<Child> children = new ArrayList<>();
        Map<String, RpcClient> clients = new LinkedHashMap<>();
        Map<String, Long> instances = new LinkedHashMap<>();
        Map<String, List<double[]>> rounds = new LinkedHashMap<>();
        try {
            for (Target t : targets) {
                Child c = Child.start("pdk-" + t.key(), t.command(), env.logs(), t.env());
                children.add(c);
                c.awaitSocket(t.socket());
                RpcClient client = new RpcClient(t.socket());
                clients.put(t.key(), client);
                instances.put(t.key(), KongEvent.startInstance(client, t.plugin(), t.config()));
                rounds.put(t.key(), new ArrayList<>());
            }
            Log.info("part 1: warming up %d sequences per server", env.pdkWarmup());
            for (Target t : targets) {
                measure(clients.get(t.key()), instances.get(t.key()), env.pdkWarmup(), 0);
            }
            for (int r = 0; r < env.pdkRounds(); r++) {
                for (int i = 0; i < targets.size(); i++) {
                    Target t = targets.get((i + r) % targets.size()); // rotate the order each round
                    long pid = children.get(targets.indexOf(t)).pid();
                    double[] m = measure(clients.get(t.key()), instances.get(t.key()), env.pdkSequences(), pid);
                    rounds.get(t.key()).add(m);
                    Log.info(
                            "part 1 round %d %-8s median %.1f us  p99 %.1f us  server cpu %.1f us/call",
                            r + 1, t.key(), m[0], m[1], m[2]);
                }
            }
        } finally {
            for (RpcClient c : clients.values()) {
                c.close();
            }
            children.forEach(Child::close);
        }
        List<Result> results = new ArrayList<>();
        for (Target t : targets) {
            List<double[]> rs = rounds.get(t.key());
            results.add(new Result(
                    t.key(),
                    t.label(),
                    spread(rs, 0),
                    spread(rs, 1),
                    spread(rs, 2),
                    rs.stream().map(r -> r[0]).toList()));
        }
        return results;
    }

    /** Runs {@code sequences} events; returns {median us, p99 us, server CPU us per call}. */
    private double[] measure(RpcClient client, long instance, int sequences, long serverPid) throws IOException {
        int calls = sequences * (env.pdkSteps() + 1);
        long[] nanos = new long[calls];
        int[] n = {0};
        KongEvent.Timer timer = d -> nanos[n[0]++] = d;
        KongEvent.CannedRequest request = KongEvent.CannedRequest.json(64);
        long cpu0 = serverPid > 0 ? ProcStat.cpuMillis(serverPid) : 0;
        for (int i = 0; i < sequences; i++) {
            int status = KongEvent.access(client, instance, request, timer);
            if (status != 200) {
                throw new IOException("expected exit 200, got " + status);
            }
        }
        long cpu = serverPid > 0 ? ProcStat.cpuMillis(serverPid) - cpu0 : 0;
        return new double[] {
            Samples.percentile(nanos, n[0], 50) / 1000.0,
            Samples.percentile(nanos, n[0], 99) / 1000.0,
            cpu * 1000.0 / n[0]
        };
    }

    private static Samples.Spread spread(List<double[]> rounds, int index) {
        return Samples.Spread.of(rounds.stream().map(r -> r[index]).toList());
    }
}
