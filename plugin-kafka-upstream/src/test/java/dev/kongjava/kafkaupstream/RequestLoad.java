package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Requests with unique ids in their bodies, sent by several Kong "workers" (one plugin config each)
 * until stopped; remembers how each one was answered, so a test can compare the ids it was told
 * were sent with the ids in the topic, and which requests were sent after a moment it marked.
 */
final class RequestLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Exchange> answers = new ConcurrentHashMap<>();
    private final Map<String, Throwable> failures = new ConcurrentHashMap<>();
    private final Set<String> sentAfterMark = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean marked;
    private final List<Thread> workers = new ArrayList<>();

    private RequestLoad() {}

    /** Starts {@code workers} threads, each with its own instance of {@code configJson}. */
    static RequestLoad start(FakeKong kong, String configJson, int workers, Duration pause) {
        RequestLoad load = new RequestLoad();
        for (int w = 0; w < workers; w++) {
            FakeKong.PluginConfig plugin = kong.plugin("kafka-upstream", configJson);
            String prefix = "w" + w + "-";
            load.workers.add(Thread.ofVirtual().name("load-" + w).start(() -> load.send(plugin, prefix, pause)));
        }
        return load;
    }

    private void send(FakeKong.PluginConfig plugin, String prefix, Duration pause) {
        for (int n = 0; running.get(); n++) {
            String id = prefix + n;
            if (marked) { // read before the request is sent
                sentAfterMark.add(id);
            }
            try {
                answers.put(
                        id,
                        plugin.access(CannedRequest.post("/orders")
                                .header("Content-Type", "text/plain")
                                .body(id)));
            } catch (RuntimeException e) {
                failures.put(id, e); // the server could not be reached at all
            }
            sleep(pause);
        }
    }

    /** Stops the workers and waits for their last requests to be answered. */
    RequestLoad stop() throws InterruptedException {
        running.set(false);
        for (Thread t : workers) {
            t.join();
        }
        return this;
    }

    /** Every request sent from now on is one of {@link #sentAfterMark()}. */
    void mark() {
        marked = true;
    }

    /** Ids of the requests sent after {@link #mark()}, answered or not. */
    Set<String> sentAfterMark() {
        return sentAfterMark;
    }

    /** Requests answered so far. */
    int answered() {
        return answers.size();
    }

    /** Ids answered with {@code status}. */
    Set<String> idsWithStatus(int status) {
        Set<String> ids = new HashSet<>();
        answers.forEach((id, ex) -> {
            if (ex.exitStatus() != null && ex.exitStatus() == status) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** How many answers there were per status and exit body, e.g. {@code 200 {"message":"message sent"} -> 812}. */
    Map<String, Integer> outcomes() {
        Map<String, Integer> outcomes = new TreeMap<>();
        answers.values().forEach(ex -> outcomes.merge(ex.exitStatus() + " " + ex.exitBodyText(), 1, Integer::sum));
        failures.values().forEach(e -> outcomes.merge("no answer: " + e.getMessage(), 1, Integer::sum));
        return outcomes;
    }

    /** Requests for which the server could not be reached (a dead process, a missing socket). */
    Map<String, Throwable> unreachable() {
        return failures;
    }

    /** The ids carried by the envelopes in {@code records} (the body of each message). */
    static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> id(r.value())).toList();
    }

    /** The id an envelope carries: its body. */
    static String id(byte[] envelope) {
        try {
            return JSON.readTree(envelope).get("body").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails unless every acknowledged id is among {@code inTopic} and no id is there twice. */
    static void assertAllInTopicOnce(
            Set<String> acknowledged, List<String> inTopic, String missingMessage, String duplicatesMessage) {
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(inTopic);
        assertEquals(Set.of(), missing, missingMessage);
        assertEquals(inTopic.size(), new HashSet<>(inTopic).size(), duplicatesMessage);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
