package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.TempDirs;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * The server's memory is bounded by design, shown on the shipped launcher with its default heap
 * and {@code -XX:+ExitOnOutOfMemoryError}, as Kong runs it: declared sizes that never arrive, a
 * small message that would decode into millions of values, and many concurrent bodies at the
 * largest sizes the defaults accept all leave the process up, its peak RSS under
 * {@link #RSS_BOUND_MIB} MiB, and every request answered 200 in the topic.
 */
class MemoryBoundsProcessIT {
    /** The launcher's default heap (-Xmx768m) plus room for metaspace, code, thread stacks and GC. */
    static final long RSS_BOUND_MIB = 1024;

    private static final int MIB = 1024 * 1024;
    /** Load runs this long; {@code -Dattack.seconds=300} for the long variant (docs/fuzzing-and-soak.md). */
    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("attack.seconds", 15));

    private Path dir;
    private ServerProcess server;

    @BeforeEach
    void dir() throws IOException {
        dir = Files.createTempDirectory("memory-bounds");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        TempDirs.deleteQuietly(dir);
    }

    private ServerProcess start(String... args) throws Exception {
        Path socket = dir.resolve("kafka-upstream.socket");
        StringBuilder command = new StringBuilder("exec '")
                .append(Launcher.SCRIPT)
                .append("' --socket '")
                .append(socket)
                .append("' --exit-with-parent");
        for (String a : args) {
            command.append(' ').append(a);
        }
        server = ServerProcess.start(
                List.of("/bin/sh", "-c", command.toString()),
                Map.of("JAVA_HOME", System.getProperty("java.home")),
                socket,
                dir.resolve("server.log"));
        return server;
    }

    @Test
    void sendersThatDeclareHugeBodiesAndStallHoldOnlyWhatTheySent() throws Exception {
        start("--max-message-size", "64m");
        List<KongConnection> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                KongConnection c = new KongConnection(server.socket());
                c.writeRaw(stepDeclaring(60 * MIB, 1024)); // declares 60 MB, sends 1 KiB of it
                stalled.add(c);
            }
            assertServes();
            assertTrue(server.isAlive(), server.log());
            assertRssWithinBound();
        } finally {
            for (KongConnection c : stalled) {
                c.close();
            }
        }
    }

    @Test
    void aSmallMessageThatWouldDecodeIntoMillionsOfValuesIsRefusedAndTheServerStaysUp() throws Exception {
        start("--max-message-size", "64m");
        try (KongConnection c = new KongConnection(server.socket())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(10 * MIB + 64);
            try (MessagePacker p = MessagePack.newDefaultPacker(out)) {
                p.packArrayHeader(4)
                        .packInt(0)
                        .packInt(3)
                        .packString("plugin.GetStatus")
                        .packArrayHeader(1);
                p.packArrayHeader(10_000_000);
                for (int i = 0; i < 10_000_000; i++) {
                    p.packMapHeader(0);
                }
            }
            c.writeRaw(out.toByteArray());
            assertEquals(
                    "the message decodes to more than 134217728 bytes of memory (twice --max-message-size)",
                    c.readReply(3).error());
            assertEquals(null, c.call(4, "plugin.GetStatus", List.of()).error(), "the connection goes on");
        }
        assertServes();
        assertRssWithinBound();
    }

    @Test
    void concurrentBodiesAtTheLargestSizesTheDefaultsAllowLeaveTheServerUpAndEvery200InTheTopic() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().start()) {
            String topic = "memory-bounds";
            broker.createTopic(topic, 3);
            start();
            String config = "{\"bootstrap_servers\":[{\"host\":\"127.0.0.1\",\"port\":"
                    + broker.port(Listener.PLAINTEXT) + "}],\"topic\":\"" + topic + "\"}";
            Map<String, String> answers = new ConcurrentHashMap<>();
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> workers = new ArrayList<>();
            try (FakeKong kong = FakeKong.connect(server.socket())) {
                for (int w = 0; w < 24; w++) {
                    // two thirds send the largest body that is produced (1 MB, under the 1 MiB limit);
                    // one third the largest message the server reads (16 MiB, refused before it is built)
                    boolean huge = w % 3 == 0;
                    FakeKong.PluginConfig plugin = kong.plugin("kafka-upstream", config);
                    String prefix = "w" + w + "-";
                    workers.add(Thread.ofVirtual().start(() -> {
                        for (int n = 0; running.get(); n++) {
                            String id = prefix + n;
                            Exchange ex = plugin.access(request(id, huge ? 16 * MIB - 4096 : 1_000_000, huge));
                            answers.merge(ex.exitStatus() + " " + ex.exitBodyText(), "x", (a, b) -> a + b);
                            if (ex.exitStatus() == 200) {
                                accepted.add(id);
                            }
                        }
                    }));
                }
                Thread.sleep(LOAD.toMillis());
                running.set(false);
                for (Thread t : workers) {
                    t.join(Duration.ofSeconds(60));
                }
            }
            assertTrue(server.isAlive(), server.log());
            Map<String, Integer> outcomes = new TreeMap<>();
            answers.forEach((outcome, marks) ->
                    outcomes.put(outcome.length() > 160 ? outcome.substring(0, 160) : outcome, marks.length()));
            for (String outcome : outcomes.keySet()) {
                assertTrue(
                        outcome.startsWith("200 {\"message\":\"message sent\"}")
                                || outcome.startsWith(
                                        "413 {\"message\":\"Payload Too Large\",\"error\":\"the request body of 16773120 bytes")
                                || outcome.startsWith(
                                        "503 {\"message\":\"Service Unavailable\",\"error\":\"the plugin server holds too")
                                || outcome.startsWith(
                                        "503 {\"message\":\"Service Unavailable\",\"error\":\"the async buffer of "),
                        "unexpected answer " + outcome + " in " + outcomes);
            }
            assertTrue(accepted.size() > 0, "some 1 MB bodies were accepted: " + outcomes);
            Set<String> inTopic = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r :
                    broker.readRecords(topic, accepted.size(), Duration.ofSeconds(60))) {
                JsonNode envelope = RepoFiles.JSON.readTree(r.value());
                String body = envelope.get("body").asText();
                inTopic.add(body.substring(0, body.indexOf(';')));
            }
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(inTopic);
            assertEquals(Set.of(), missing, "every request answered 200 is in the topic");
            assertRssWithinBound();
            System.out.printf("memory bounds: %s in %d s, peak RSS %d MiB%n", outcomes, LOAD.toSeconds(), peakRssMib());
        }
    }

    /** A text/plain request whose body starts with its id. */
    private static CannedRequest request(String id, int size, boolean json) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        byte[] head = (json ? "[\"" + id + ";" : id + ";").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, body, 0, head.length);
        if (json) {
            body[size - 2] = '"';
            body[size - 1] = ']';
        }
        return CannedRequest.post("/")
                .header("Content-Type", json ? "application/json" : "text/plain")
                .body(body);
    }

    private void assertServes() throws IOException {
        try (KongConnection c = new KongConnection(server.socket())) {
            assertEquals(null, c.call(1, "plugin.GetStatus", List.of()).error(), server.log());
        }
    }

    private void assertRssWithinBound() throws IOException {
        long peak = peakRssMib();
        assertTrue(peak < RSS_BOUND_MIB, "peak RSS " + peak + " MiB, bound " + RSS_BOUND_MIB + " MiB");
    }

    /** VmHWM: the most resident memory the process ever had. */
    private long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IOException("no VmHWM for " + server.pid());
    }

    /** The start of {@code [0, 1, "plugin.Step", [{"EventId": 1, "Data": <bin of declared>}]]}: {@code sent} payload bytes. */
    private static byte[] stepDeclaring(int declared, int sent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sent + 64);
        try (MessagePacker p = MessagePack.newDefaultPacker(out)) {
            p.packArrayHeader(4).packInt(0).packInt(1).packString("plugin.Step").packArrayHeader(1);
            p.packMapHeader(2)
                    .packString("EventId")
                    .packInt(1)
                    .packString("Data")
                    .packBinaryHeader(declared);
            p.writePayload(new byte[sent]);
        }
        return out.toByteArray();
    }
}
