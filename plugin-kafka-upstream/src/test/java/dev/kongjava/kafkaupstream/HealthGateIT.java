package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** producer_async_health_gating: 503 instead of 200-then-lost while deliveries fail, recovery by probes; metrics. */
class HealthGateIT {
    private static CannedRequest request() {
        return CannedRequest.post("/").header("Content-Type", "text/plain").body("gate");
    }

    @Test
    void whileDeliveriesKeepFailingRequestsGet503AndAProbeReopensTheGateAfterTheBrokerIsBack() throws Exception {
        ProducerPool pool = new ProducerPool();
        int port = freePort();
        try (KafkaBroker broker = KafkaBroker.builder().start();
                UpstreamServer server = UpstreamServer.start(
                        Map.of("metrics-port", String.valueOf(port)), KafkaUpstreamPlugin.define(pool))) {
            String topic = Configs.topic("gate");
            broker.createTopic(topic, 1);
            FakeKong.PluginConfig p = server.kong.plugin(
                    "kafka-upstream",
                    Configs.config(
                            broker.bootstrap(Listener.PLAINTEXT),
                            topic,
                            "\"producer_async_health_gating\":true,\"producer_async_health_failure_threshold\":2,"
                                    + "\"producer_async_health_probe_interval\":500,\"producer_request_timeout\":300,"
                                    + "\"producer_request_retries_max_attempts\":1,\"producer_async_flush_timeout\":1500,\"timeout\":300"));
            assertEquals(200, p.access(request()).exitStatus());
            assertEquals(200, p.access(request()).exitStatus(), "both accepted, lingering 1.5 s");
            broker.stop();
            EventuallyAssert.within(
                    Duration.ofSeconds(15), () -> assertEquals(2, pool.totals().failed()));
            Exchange gated = p.access(request());
            assertEquals(503, gated.exitStatus());
            assertEquals(
                    "{\"message\":\"Service Unavailable\",\"error\":\"the Kafka producer is failing (2 deliveries "
                            + "failed in a row); not accepting messages until a probe succeeds\"}",
                    gated.exitBodyText());
            assertTrue(scrape(port).contains("kafka_upstream_producer_gated{producer=\"kong-kafka-upstream-1\"} 1\n"));
            broker.restart();
            EventuallyAssert.within(
                    Duration.ofSeconds(20),
                    () -> assertEquals(200, p.access(request()).exitStatus()));
            assertEquals(200, p.access(request()).exitStatus(), "the gate is open again: async accept");
            EventuallyAssert.within(Duration.ofSeconds(10), () -> assertTrue(broker.countRecords(topic) >= 2));
            String metrics = scrape(port);
            assertTrue(
                    metrics.contains("kafka_upstream_producer_gated{producer=\"kong-kafka-upstream-1\"} 0\n"), metrics);
            // the two lost while lingering, plus every probe that ran while the broker was still down (its client got
            // 502)
            assertEquals(
                    2 + value(metrics, "kafka_upstream_requests_total{topic=\"" + topic + "\",status=\"502\"}"),
                    value(metrics, "kafka_upstream_records_failed_total{topic=\"" + topic + "\"}"),
                    metrics);
            assertTrue(
                    value(metrics, "kafka_upstream_requests_total{topic=\"" + topic + "\",status=\"503\"}") >= 1,
                    metrics);
            assertTrue(
                    metrics.contains("kafka_upstream_request_duration_seconds_count{topic=\"" + topic + "\"} "),
                    metrics);
        }
    }

    /** The value of one sample line, 0 when absent. */
    static long value(String metrics, String sample) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Long.parseLong(line.substring(sample.length() + 1));
            }
        }
        return 0;
    }

    /** A port nothing listens on now; the metrics endpoint binds it a moment later. */
    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }
}
