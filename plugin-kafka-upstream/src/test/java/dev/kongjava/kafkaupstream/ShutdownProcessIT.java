package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while Kong keeps sending async requests: the server stops taking new ones, flushes every
 * record it accepted (answered 200) within its shutdown timeout, and exits 0.
 */
class ShutdownProcessIT {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** Signal delivery and the JVM's exit after "stopped", on a loaded machine. */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

    private static final int WORKERS = 8;

    @Test
    void sigtermUnderAsyncLoadFlushesEveryAcceptedRecordAndExitsZero() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().start();
                UpstreamProcess server =
                        UpstreamProcess.start("--shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s")) {
            String topic = Configs.topic("sigterm");
            broker.createTopic(topic, 3);
            // linger 2 s: at SIGTERM most accepted records are still in the producer's buffer
            String config = Configs.config(
                    broker.bootstrap(Listener.PLAINTEXT),
                    topic,
                    "\"producer_async\":true,\"producer_async_flush_timeout\":2000,\"producer_request_acks\":-1");
            try (FakeKong kong = FakeKong.connect(server.socket);
                    KongConnection pooled = new KongConnection(server.socket)) {
                RequestLoad load = RequestLoad.start(kong, config, WORKERS, Duration.ofMillis(1));
                BrokerOutageFaultIT.awaitMore(() -> load.idsWithStatus(200).size(), 500, "accepted requests");
                long signalled = System.nanoTime();
                server.sigterm();
                server.awaitRefusing(pooled);
                load.mark(); // every request from now on reaches a server that refuses new work
                int exit = awaitExit(server, signalled);
                BrokerOutageFaultIT.awaitMore(() -> load.sentAfterMark().size(), WORKERS, "requests after the refusal");
                load.stop();

                assertEquals(0, exit, server.log());
                Set<String> accepted = load.idsWithStatus(200);
                List<String> inTopic =
                        RequestLoad.ids(broker.readRecords(topic, accepted.size(), Duration.ofSeconds(30)));
                assertEquals(accepted, new HashSet<>(inTopic), "the topic holds exactly the accepted requests");
                assertEquals(accepted.size(), inTopic.size(), "no duplicates");
                Set<String> acceptedAfterRefusal = new HashSet<>(load.sentAfterMark());
                acceptedAfterRefusal.retainAll(accepted);
                assertEquals(
                        Set.of(), acceptedAfterRefusal, "answered 200 though sent after the server refused new work");
                assertTrue(
                        load.outcomes().keySet().stream()
                                .allMatch(o -> o.startsWith("200 ") || o.startsWith("no answer: ")),
                        "after SIGTERM requests fail to reach the server or are refused, never half-accepted: "
                                + load.outcomes());
                Duration stopping = Duration.between(
                        logTime(server.log(), "PluginServer - shutting down: "),
                        logTime(server.log(), "PluginServer - stopped"));
                assertTrue(
                        stopping.compareTo(SHUTDOWN_TIMEOUT) <= 0,
                        "the server's log shows " + stopping.toMillis()
                                + " ms from \"shutting down\" to \"stopped\"; --shutdown-timeout is "
                                + SHUTDOWN_TIMEOUT.toMillis());
                System.out.printf(
                        "SIGTERM: %d accepted and flushed, %d sent after the refusal, stopped in %d ms; outcomes %s%n",
                        accepted.size(), load.sentAfterMark().size(), stopping.toMillis(), load.outcomes());
            }
        }
    }

    /**
     * The exit code, once the process has ended; fails unless it ended within the shutdown timeout
     * (plus the margin) of the signal, measured from just before it was sent.
     */
    private static int awaitExit(UpstreamProcess server, long signalledNanos) throws Exception {
        long bound = SHUTDOWN_TIMEOUT.plus(EXIT_MARGIN).toNanos();
        try {
            return server.onExit().get(bound - (System.nanoTime() - signalledNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "still running " + TimeUnit.NANOSECONDS.toSeconds(bound) + " s after SIGTERM; log:\n"
                            + server.log(),
                    e);
        }
    }

    /** When the server logged the first line containing {@code text}: its own clock (the line's ISO time stamp). */
    private static OffsetDateTime logTime(String log, String text) {
        String line = log.lines()
                .filter(l -> l.contains(text))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no \"" + text + "\" in the server's log:\n" + log));
        return OffsetDateTime.parse(line.substring(0, line.indexOf(' ')));
    }
}
