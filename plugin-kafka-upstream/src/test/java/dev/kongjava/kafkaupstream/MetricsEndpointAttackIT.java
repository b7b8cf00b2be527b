package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.metrics.MetricsServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.ProcFs;
import dev.kongjava.testkit.SecondUid;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Any local user can reach the metrics port (loopback TCP), unlike Kong's 0600 socket. Run as a
 * real second uid, such a user holds a thousand half-sent requests against the server as the
 * launcher runs it, under a 1024 file-descriptor limit: the endpoint keeps within its budget and
 * Kong's requests are all served, with a real broker behind them.
 */
class MetricsEndpointAttackIT {
    private static final int ATTACK_CONNECTIONS = 1020;
    private static final int KONG_REQUESTS = 5;
    private static final Duration REQUEST_BOUND = Duration.ofSeconds(30);
    /** How long the server's CPU is watched during the attack: long enough that a busy loop cannot hide. */
    private static final Duration CPU_WINDOW = Duration.ofSeconds(3);

    private static final Pattern METRICS_PORT =
            Pattern.compile("serving metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @Test
    void aLocalUserFloodingTheMetricsPortTakesNoDescriptorThreadOrRequestFromKong() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().start();
                UpstreamProcess server =
                        UpstreamProcess.startUnder(List.of("prlimit", "--nofile=1024"), "--metrics-port", "0");
                SecondUid attacker = SecondUid.create();
                FakeKong kong = FakeKong.connect(server.socket).freshConnectionPerCall(true)) {
            String topic = Configs.topic("metrics-attack");
            broker.createTopic(topic, 1);
            FakeKong.PluginConfig plugin = kong.plugin(
                    "kafka-upstream",
                    Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_async\":false"));
            assertEquals(200, access(plugin), "before the attack");
            int port = metricsPort(server.log());

            Process flood = new ProcessBuilder(attacker.command(attacker.javaCommand(
                            HalfRequestFlood.class,
                            List.of(),
                            Integer.toString(port),
                            Integer.toString(ATTACK_CONNECTIONS))))
                    .redirectErrorStream(true)
                    .start();
            try {
                String attack = firstLine(flood);
                assertTrue(attack.startsWith("half requests sent on "), attack);
                Duration cpuBefore = ProcFs.cpuTime(server.pid());
                long start = System.nanoTime();

                int sockets = ProcFs.tcpSocketsOnPort(server.pid(), port);
                assertTrue(sockets <= MetricsServer.MAX_CONNECTIONS + 1, sockets + " sockets on the metrics port");
                assertEquals(
                        1,
                        ProcFs.threadNames(server.pid()).stream()
                                .filter("metrics"::equals)
                                .count());
                for (int i = 0; i < KONG_REQUESTS; i++) {
                    assertEquals(200, access(plugin), "Kong's request " + (i + 1) + " during the attack");
                }
                // A spinning accept loop burns a whole core; over a window this long, five requests'
                // own CPU (JIT warm-up included) stays far below half of it.
                long windowLeft = CPU_WINDOW.toNanos() - (System.nanoTime() - start);
                if (windowLeft > 0) {
                    TimeUnit.NANOSECONDS.sleep(windowLeft);
                }
                long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                long cpuMillis = ProcFs.cpuTime(server.pid()).minus(cpuBefore).toMillis();
                assertTrue(
                        cpuMillis < wallMillis / 2,
                        "the server used " + cpuMillis + " ms CPU in " + wallMillis + " ms");
                System.out.printf(
                        "metrics attack (%s): %d sockets on the port, %d Kong requests served, %d ms CPU in %d ms%n",
                        attack, sockets, KONG_REQUESTS, cpuMillis, wallMillis);
            } finally {
                flood.getOutputStream().close(); // the attacker lets go
                assertTrue(flood.waitFor(20, TimeUnit.SECONDS), "the attacker exits");
            }
            assertEquals(1 + KONG_REQUESTS, broker.countRecords(topic));
            EventuallyAssert.within(
                    Duration.ofSeconds(20),
                    () -> assertTrue(scrape(port)
                            .contains("kafka_upstream_requests_total{topic=\"" + topic + "\",status=\"200\"} "
                                    + (1 + KONG_REQUESTS) + "\n")));
            assertEquals(
                    0,
                    server.log()
                            .lines()
                            .filter(l -> l.contains("Too many open files"))
                            .count(),
                    server.log());
        }
    }

    /** One request through a fresh Kong connection, bounded: a server that accepts nothing fails it, never hangs it. */
    private static int access(FakeKong.PluginConfig plugin) throws Exception {
        CannedRequest request =
                CannedRequest.post("/").header("Content-Type", "text/plain").body("attack");
        return CompletableFuture.supplyAsync(() -> plugin.access(request).exitStatus())
                .get(REQUEST_BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static int metricsPort(String log) {
        Matcher m = METRICS_PORT.matcher(log);
        assertTrue(m.find(), log);
        return Integer.parseInt(m.group(1));
    }

    private static String firstLine(Process process) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        String line;
                        while ((line = out.readLine()) != null && line.startsWith("WARNING: ")) {
                            // JDK warnings about msgpack's use of Unsafe
                        }
                        return line;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(60, TimeUnit.SECONDS);
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        } catch (java.io.IOException e) {
            throw new AssertionError("scrape failed: " + e, e); // retried: the backlog may still be full
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
