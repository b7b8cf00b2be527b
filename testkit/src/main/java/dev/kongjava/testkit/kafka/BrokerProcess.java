package dev.kongjava.testkit.kafka;

import dev.kongjava.testkit.JavaProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Kafka broker in its own process, for faults an in-JVM broker cannot show: {@link #pause()}
 * freezes it with SIGSTOP (connections stay open, nothing answers, as a hung or partitioned
 * broker), {@link #resume()} lets it go on. Topics are created and read over PLAINTEXT from here.
 */
public final class BrokerProcess implements AutoCloseable {
    static final String READY = "bootstrap=";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrap;
    private final TopicTool topics;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.topics = new TopicTool(bootstrap);
    }

    /**
     * Starts the broker and waits until it serves.
     *
     * @return the running broker
     * @throws IOException if it cannot be started or does not report its address in time
     */
    public static BrokerProcess start() throws IOException {
        Process process = new ProcessBuilder(JavaProcess.command(BrokerMain.class))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        // reads on after the address too: a full pipe would block the broker
        Thread.ofVirtual().name("broker-process-out").start(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(READY)) {
                        ready.complete(line.substring(READY.length()));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.complete(null);
        });
        try {
            String bootstrap = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (bootstrap == null) {
                throw new IOException("the broker process exited before it served");
            }
            return new BrokerProcess(process, bootstrap);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the broker process did not serve within " + START_TIMEOUT, e);
        }
    }

    /**
     * Returns the PLAINTEXT bootstrap address.
     *
     * @return {@code 127.0.0.1:<port>}
     */
    public String bootstrap() {
        return bootstrap;
    }

    /**
     * Creates a topic with replication factor 1 and waits until it serves.
     *
     * @param name the topic
     * @param partitions its partitions
     */
    public void createTopic(String name, int partitions) {
        topics.createTopic(name, partitions, 1, Map.of());
    }

    /**
     * Reads a topic from the beginning.
     *
     * @param topic the topic
     * @param expectedCount how many records to wait for
     * @param timeout how long to wait
     * @return the records read
     */
    public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expectedCount, Duration timeout) {
        return topics.readRecords(topic, expectedCount, timeout);
    }

    /**
     * Counts a topic's records from its offsets.
     *
     * @param topic the topic
     * @return end minus start offsets, over all partitions
     */
    public long countRecords(String topic) {
        return topics.countRecords(topic);
    }

    /** SIGSTOP: the broker stops answering while its connections stay open. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + name + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the broker", e);
        }
    }

    /** Ends the broker process (resumed first, so a paused broker can exit). */
    @Override
    public void close() {
        topics.close();
        signal("CONT");
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
