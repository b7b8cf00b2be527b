package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.BrokerProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (what Kong sends on every stop and reload) while the broker hangs: records answered 200
 * that cannot be delivered before --shutdown-timeout ends are not dropped in silence. Every one is
 * counted and logged as lost, with its topic and the first error, and the exit status says so.
 */
class ShutdownLossProcessIT {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern LOSS = Pattern.compile(
            "(\\d+) accepted records were not acknowledged before their producer closed and may be missing from "
                    + "Kafka \\(topic (\\S+): (\\d+)\\); first error: (.+)");

    @Test
    void sigtermWhileTheBrokerHangsCountsAndLogsEveryUndeliveredRecordAndExitsNonZero() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start();
                UpstreamProcess server =
                        UpstreamProcess.start("--shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s")) {
            String topic = Configs.topic("loss");
            broker.createTopic(topic, 3);
            String config = Configs.config(
                    broker.bootstrap(),
                    topic,
                    "\"producer_async\":true,\"producer_async_flush_timeout\":200,\"producer_request_acks\":-1");
            try (FakeKong kong = FakeKong.connect(server.socket)) {
                RequestLoad load = RequestLoad.start(kong, config, 8, Duration.ofMillis(1));
                BrokerOutageFaultIT.awaitMore(() -> load.idsWithStatus(200).size(), 300, "accepted requests");
                broker.pause();
                int beforePause = load.idsWithStatus(200).size();
                // more than the producer's in-flight requests can carry: some never leave its buffer
                BrokerOutageFaultIT.awaitMore(
                        () -> load.idsWithStatus(200).size() - beforePause,
                        3000,
                        "requests accepted while the broker hangs");

                long signalled = System.nanoTime();
                int exit = server.sigterm(SHUTDOWN_TIMEOUT.multipliedBy(2).plusSeconds(20));
                long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
                load.stop();
                broker.resume();

                assertEquals(1, exit, "the exit status says records were lost; log:\n" + server.log());
                // events, then instance closes, each bounded by the timeout; then the forced close
                assertTrue(
                        exitMillis
                                < SHUTDOWN_TIMEOUT
                                        .multipliedBy(2)
                                        .plusSeconds(5)
                                        .toMillis(),
                        "exited " + exitMillis + " ms after SIGTERM");
                Matcher loss = LOSS.matcher(server.log());
                assertTrue(loss.find(), "the loss is logged with count, topic and first error; log:\n" + server.log());
                long lost = Long.parseLong(loss.group(1));
                assertEquals(topic, loss.group(2));
                assertEquals(lost, Long.parseLong(loss.group(3)));

                Set<String> accepted = load.idsWithStatus(200);
                int inTopicCount = (int) broker.countRecords(topic);
                Set<String> inTopic =
                        new HashSet<>(RequestLoad.ids(broker.readRecords(topic, inTopicCount, Duration.ofSeconds(30))));
                Set<String> missing = new HashSet<>(accepted);
                missing.removeAll(inTopic);
                assertTrue(!missing.isEmpty(), "the hang kept accepted records from the topic");
                assertTrue(
                        lost >= missing.size() && lost <= accepted.size(),
                        "every accepted record missing from the topic is among the " + lost + " counted as lost: "
                                + missing.size() + " missing of " + accepted.size() + " accepted");
                System.out.printf(
                        "SIGTERM with a hung broker: %d accepted, %d missing from the topic, %d counted as lost,"
                                + " exit %d after %d ms%n",
                        accepted.size(), missing.size(), lost, exit, exitMillis);
            }
        }
    }
}
