package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.CpuHog;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first request after a start (Kong starts the server, then StartInstance and HandleEvent come
 * at once) on a busy machine, as CI machines are: a healthy broker must give 200, not a 502 because
 * the new producer's connections and metadata did not fit the request's own bound. Each round is a
 * fresh server process with the default config, pinned to one core that busy loops share with it;
 * the broker (in this JVM) may use the other cores, so it stays healthy.
 */
class ColdStartProcessIT {
    private static final int ROUNDS = 3;
    /**
     * Busy loops on the server's core: it gets a fifth of that core at most, and a cold JVM needs
     * more than the default max.block.ms (2 s) to create a producer and fetch its first metadata.
     */
    private static final int HOG_LOOPS = 4;
    private static final int CPU = 0;

    @Test
    void underACpuHogTheFirstRequestOfEveryColdStartWithAHealthyBrokerIs200() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().start()) {
            String topic = Configs.topic("cold");
            broker.createTopic(topic, 1);
            String config = Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "");
            List<String> rounds = new ArrayList<>();
            try (CpuHog hog = CpuHog.onCpu(CPU, HOG_LOOPS)) {
                for (int i = 0; i < ROUNDS; i++) {
                    try (UpstreamProcess server = UpstreamProcess.startUnder(CpuHog.pin(CPU));
                            FakeKong kong = FakeKong.connect(server.socket)) {
                        long start = System.nanoTime();
                        Exchange first = kong.plugin("kafka-upstream", config)
                                .access(CannedRequest.post("/").header("Content-Type", "text/plain").body("cold " + i));
                        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                        rounds.add(first.exitStatus() + " after " + millis + " ms");
                        assertEquals("200 {\"message\":\"message sent\"}", first.exitStatus() + " " + first.exitBodyText(),
                                "round " + i + " (" + rounds + "); the server's log:\n" + server.log());
                        assertEquals(0, server.sigterm(Duration.ofSeconds(60)), "SIGTERM flushes the record and exits 0");
                    }
                }
            }
            System.out.println("cold starts under a CPU hog: " + rounds);
            assertEquals(ROUNDS, broker.readRecords(topic, ROUNDS, Duration.ofSeconds(30)).size());
        }
    }
}
