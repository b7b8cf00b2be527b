package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The server SIGKILLed while the Kong-faithful Lua peer (nginx + our Lua, one worker) keeps sending
 * HTTP requests, then started again on the same socket. During the gap Kong fails open: the plugin
 * does not run and the service-less route answers 503. After the restart the worker's cached
 * instance id is unknown, "No plugin instance" makes it start a new instance with the route's
 * config, and requests are produced to the right topic again. The request in flight at the kill
 * may be in the topic although Kong answered it 503 (produced, then the answer was lost). Skipped
 * without the peer's packages.
 */
class CrashRecoveryProcessIT {
    private static final String SENT = "200 {\"message\":\"message sent\"}";
    private static final String NO_PLUGIN = "503 {\"message\":\"no Service found with those values\"}";
    private static final String PLUGIN_ID = "5b1f6a9e-3c2d-4e8f-9a0b-1c2d3e4f5a6b";

    @Test
    void requestsDuringTheGapFailOpenWith503AndTheRestartedServerRecoversTheRoutesConfig() throws Exception {
        Prerequisites.requireLuaPeer();
        try (KafkaBroker broker = KafkaBroker.builder().start();
                UpstreamProcess server = UpstreamProcess.start()) {
            String topic = Configs.topic("crash");
            broker.createTopic(topic, 1);
            String route = "{\"routes\":[{\"name\":\"kafka\",\"paths\":[\"/kafka\"],\"plugins\":[{\"id\":\"" + PLUGIN_ID
                    + "\",\"name\":\"kafka-upstream\",\"config\":"
                    + Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_async\":false") + "}]}]}";
            try (LuaPeer peer = LuaPeer.builder()
                    .socketPath(server.socket)
                    .queryCommand(JavaProcess.command(KafkaUpstreamMain.class, "--dump"))
                    .declarativeConfig(route)
                    .socketTimeout(Duration.ofSeconds(10))
                    .start()) {
                HttpLoad load = new HttpLoad(peer);
                long start = System.nanoTime();
                StringBuilder timeline = new StringBuilder();
                BrokerOutageFaultIT.awaitMore(() -> load.count(SENT), 50, "200s before the crash");
                timeline.append("killed after ").append(millisSince(start)).append(" ms");
                server.sigkill();
                assertTrue(Files.exists(server.socket, LinkOption.NOFOLLOW_LINKS), "SIGKILL leaves the socket file");
                BrokerOutageFaultIT.awaitMore(() -> load.count(NO_PLUGIN), 20, "requests during the gap");
                peer.resetStats();
                timeline.append(", restarting after ")
                        .append(millisSince(start))
                        .append(" ms");
                server.launch();
                timeline.append(", serving after ").append(millisSince(start)).append(" ms");
                int sentAtRestart = load.count(SENT);
                BrokerOutageFaultIT.awaitMore(() -> load.count(SENT) - sentAtRestart, 50, "200s after the restart");
                load.stop();
                timeline.append(", recovered after ").append(millisSince(start)).append(" ms");

                assertEquals(Set.of(SENT, NO_PLUGIN), load.outcomes().keySet(), "outcomes " + load.outcomes());
                Map<String, Object> stats = peer.stats();
                assertEquals(1L, number(stats, "no_plugin_instance_retries"), stats.toString());
                assertEquals(1L, number(stats, "server_pid_changes"), stats.toString());
                assertEquals(1L, number(stats, "start_instance"), stats.toString());
                assertEquals(
                        1,
                        peer.errorLogLines("[kong] [kafka-upstream] No plugin instance ")
                                .size(),
                        peer.errorLog());
                Set<String> sent = load.ids(SENT);
                Set<String> inTopic =
                        new HashSet<>(RequestLoad.ids(broker.readRecords(topic, sent.size(), Duration.ofSeconds(30))));
                assertTrue(inTopic.containsAll(sent), "every 200, before and after the crash, is in the route's topic");
                inTopic.removeAll(sent);
                // the one request in flight at the kill may have been produced before its answer was lost
                assertTrue(inTopic.size() <= 1, "records whose request was not answered 200: " + inTopic);
                assertTrue(load.ids(NO_PLUGIN).containsAll(inTopic), "they were answered 503: " + inTopic);
                System.out.printf("crash: %s; produced but answered 503: %s; %s%n", load.outcomes(), inTopic, timeline);
            }
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static long number(Map<String, Object> stats, String key) {
        Object value = stats.get(key);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** POST /kafka with a unique id as body, one request after the other, until stopped. */
    private static final class HttpLoad {
        private final Map<String, String> outcomes = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        HttpLoad(LuaPeer peer) {
            HttpClient http = HttpClient.newHttpClient();
            thread = Thread.ofVirtual().start(() -> {
                for (int n = 0; running.get(); n++) {
                    String id = "req-" + n;
                    HttpRequest request = HttpRequest.newBuilder(peer.baseUri().resolve("/kafka"))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(id))
                            .build();
                    try {
                        HttpResponse<String> r =
                                http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                        outcomes.put(id, r.statusCode() + " " + r.body());
                    } catch (Exception e) {
                        outcomes.put(id, "no response: " + e);
                    }
                }
            });
        }

        int count(String outcome) {
            return (int) outcomes.values().stream().filter(outcome::equals).count();
        }

        Set<String> ids(String outcome) {
            Set<String> ids = new HashSet<>();
            outcomes.forEach((id, o) -> {
                if (o.equals(outcome)) {
                    ids.add(id);
                }
            });
            return ids;
        }

        Map<String, Integer> outcomes() {
            Map<String, Integer> counts = new TreeMap<>();
            outcomes.values().forEach(o -> counts.merge(o, 1, Integer::sum));
            return counts;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
