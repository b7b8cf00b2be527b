package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Part 4: resident memory of a fresh kafka-upstream server: idle, with 1,000 instances (each having
 * served one request, so each holds its producer reference), with 512 open connections on top, and
 * sampled every few seconds during a soak of steady HTTP load through the peer.
 */
final class Memory {
    /** One soak sample: seconds since the soak started, server RSS, requests answered so far. */
    record Sample(double seconds, long rssKib, long requests) {}

    /** Everything part 4 measured. */
    record Result(
            long idleKib,
            long instancesKib,
            long connectionsKib,
            int instances,
            int connections,
            List<Sample> soak,
            Wrk.Report soakWrk,
            long soakAcknowledged,
            long soakDelivered) {
        long first() {
            return soak.isEmpty() ? 0 : soak.get(0).rssKib();
        }

        long last() {
            return soak.isEmpty() ? 0 : soak.get(soak.size() - 1).rssKib();
        }

        long max() {
            return soak.stream().mapToLong(Sample::rssKib).max().orElse(0);
        }
    }

    private final Env env;
    private final Topics topics;
    private final String bootstrap;

    Memory(Env env, Topics topics, String bootstrap) {
        this.env = env;
        this.topics = topics;
        this.bootstrap = bootstrap;
    }

    /** Instances and connections on a fresh server; returns {idle, with instances, with connections} in KiB. */
    long[] staticFootprint(Child server, List<RpcClient> openConnections) throws IOException {
        Path socket = env.work().resolve("ku.sock");
        Child.sleep(3000);
        long idle = ProcStat.rssKib(server.pid());
        String[] hp = bootstrap.split(":");
        List<Long> ids = new ArrayList<>();
        KongEvent.CannedRequest request = KongEvent.CannedRequest.json(512);
        try (RpcClient c = new RpcClient(socket)) {
            for (int i = 0; i < env.memoryInstances(); i++) {
                String config = "{\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1]
                        + "}],\"topic\":\"memory\",\"route_id\":\"route-" + i + "\",\"__seq__\":" + i + "}";
                ids.add(KongEvent.startInstance(c, "kafka-upstream", config));
            }
            for (long id : ids) {
                expect200(KongEvent.access(c, id, request, KongEvent.Timer.NONE));
            }
        }
        Child.sleep(2000);
        long withInstances = ProcStat.rssKib(server.pid());
        for (int i = 0; i < env.memoryConnections(); i++) {
            RpcClient c = new RpcClient(socket);
            openConnections.add(c);
            expect200(KongEvent.access(c, ids.get(i % ids.size()), request, KongEvent.Timer.NONE));
        }
        Child.sleep(2000);
        long withConnections = ProcStat.rssKib(server.pid());
        Log.info(
                "part 4: RSS idle %d MiB, %d instances %d MiB, +%d connections %d MiB",
                idle / 1024, ids.size(), withInstances / 1024, env.memoryConnections(), withConnections / 1024);
        return new long[] {idle, withInstances, withConnections};
    }

    /** Steady load on /soak for the soak duration while sampling the server's RSS every 5 s. */
    Result soak(GatewaySetup gw, long[] footprint) throws IOException {
        Path script = Wrk.script(env.work(), Bodies.write(env.work(), 512));
        gw.peer.resetStats();
        long before = topics.count("soak");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread load = Thread.ofPlatform().name("soak-wrk").start(() -> {
            try {
                outcome.set(Wrk.run(env, script, gw.url("/soak"), env.soakSeconds(), "wrk-soak"));
            } catch (IOException | RuntimeException e) {
                outcome.set(e);
            }
        });
        List<Sample> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        long pid = gw.kafkaServer.pid();
        while (load.isAlive()) {
            double t = (System.nanoTime() - t0) / 1e9;
            long requests = ((Number) gw.peer.stats().getOrDefault("requests", 0)).longValue();
            samples.add(new Sample(t, ProcStat.rssKib(pid), requests));
            if (samples.size() % 12 == 1) {
                Log.info(
                        "part 4 soak %3.0f s: RSS %d MiB, %d requests",
                        t, samples.getLast().rssKib() / 1024, requests);
            }
            sleepUntilNextSample(load, t0, samples.size());
        }
        if (outcome.get() instanceof Exception e) {
            throw new IOException("soak failed: " + e.getMessage(), e);
        }
        Wrk.Report wrk = (Wrk.Report) outcome.get();
        long delivered = topics.settle("soak", java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(30))
                        .count()
                - before;
        long acknowledged = EndToEnd.statusCount(gw.peer.stats(), "200");
        return new Result(
                footprint[0],
                footprint[1],
                footprint[2],
                env.memoryInstances(),
                env.memoryConnections(),
                samples,
                wrk,
                acknowledged,
                delivered);
    }

    private static void sleepUntilNextSample(Thread load, long t0, int taken) {
        long next = t0 + taken * 5_000_000_000L;
        while (load.isAlive() && System.nanoTime() < next) {
            Child.sleep(100);
        }
    }

    private static void expect200(int status) throws IOException {
        if (status != 200) {
            throw new IOException("expected 200 from kafka-upstream, got " + status);
        }
    }
}
