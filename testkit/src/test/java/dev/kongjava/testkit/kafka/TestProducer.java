package dev.kongjava.testkit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/** A String producer with short timeouts, so a failing login or an outage shows up within seconds. */
final class TestProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;

    TestProducer(Map<String, Object> connection, Duration deliveryTimeout) {
        Map<String, Object> settings = new HashMap<>(connection);
        settings.put("key.serializer", StringSerializer.class.getName());
        settings.put("value.serializer", StringSerializer.class.getName());
        settings.put("acks", "all");
        settings.put("linger.ms", 0);
        int timeoutMs = (int) deliveryTimeout.toMillis();
        settings.put("delivery.timeout.ms", timeoutMs);
        settings.put("request.timeout.ms", timeoutMs);
        settings.put("max.block.ms", timeoutMs);
        settings.put("reconnect.backoff.max.ms", 200);
        producer = new KafkaProducer<>(settings);
    }

    TestProducer(Map<String, Object> connection) {
        this(connection, Duration.ofSeconds(10));
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    RecordMetadata send(String topic, String key, String value) throws Exception {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Sends one record that must fail, and returns why it failed. */
    Exception sendFailure(String topic, String value) throws Exception {
        try {
            RecordMetadata metadata = send(topic, null, value);
            throw new AssertionError("expected the send to fail, but it was written at " + metadata);
        } catch (KafkaException e) {
            return e;
        }
    }

    /** Sends a record with a fresh producer and closes it. */
    static RecordMetadata sendOnce(Map<String, Object> connection, String topic, String value) throws Exception {
        try (TestProducer producer = new TestProducer(connection)) {
            return producer.send(topic, null, value);
        }
    }

    /** Sends a record that must fail with a fresh producer, and returns why it failed. */
    static Exception failOnce(Map<String, Object> connection, String topic, String value) throws Exception {
        try (TestProducer producer = new TestProducer(connection)) {
            return producer.sendFailure(topic, value);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
