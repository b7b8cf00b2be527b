package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while Kong keeps sending async requests: the server stops taking new ones, flushes every
 * record it accepted (answered 200) within its shutdown timeout, and exits 0.
 */
class ShutdownProcessIT {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void sigtermUnderAsyncLoadFlushesEveryAcceptedRecordAndExitsZero() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().start();
                UpstreamProcess server = UpstreamProcess.start("--shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s")) {
            String topic = Configs.topic("sigterm");
            broker.createTopic(topic, 3);
            // linger 2 s: at SIGTERM most accepted records are still in the producer's buffer
            String config = Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic,
                    "\"producer_async\":true,\"producer_async_flush_timeout\":2000,\"producer_request_acks\":-1");
            try (FakeKong kong = FakeKong.connect(server.socket)) {
                RequestLoad load = RequestLoad.start(kong, config, 8, Duration.ofMillis(1));
                BrokerOutageFaultIT.awaitMore(() -> load.idsWithStatus(200).size(), 500, "accepted requests");
                long signalled = System.nanoTime();
                int exit = server.sigterm(SHUTDOWN_TIMEOUT.plusSeconds(5));
                assertTrue(exit >= 0, "exited within the shutdown timeout; log:\n" + server.log());
                long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
                load.stop();

                assertEquals(0, exit, server.log());
                Set<String> accepted = load.idsWithStatus(200);
                List<String> inTopic = RequestLoad.ids(broker.readRecords(topic, accepted.size(), Duration.ofSeconds(30)));
                assertEquals(accepted, new HashSet<>(inTopic), "the topic holds exactly the accepted requests");
                assertEquals(accepted.size(), inTopic.size(), "no duplicates");
                assertTrue(load.outcomes().keySet().stream().allMatch(o -> o.startsWith("200 ") || o.startsWith("no answer: ")),
                        "after SIGTERM requests fail to reach the server or are refused, never half-accepted: "
                                + load.outcomes());
                assertTrue(server.log().contains("shutting down: "), server.log());
                assertTrue(server.log().contains("stopped"), server.log());
                System.out.printf("SIGTERM: %d accepted and flushed, exit 0 after %d ms; outcomes %s%n",
                        accepted.size(), exitMillis, load.outcomes());
            }
        }
    }
}
