package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka producer shared by every instance with the same settings, with the async bookkeeping
 * the original had per producer: a bound on messages accepted but not yet acknowledged (beyond it
 * requests get 503 instead of blocking), counters of what was delivered and what failed, and the
 * optional health gate.
 */
final class SharedProducer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedProducer.class);
    /** Extra wait over delivery.timeout.ms, so Kafka reports the failure before we give up on it. */
    private static final long SYNC_MARGIN_MS = 1000;

    private final Producer<byte[], byte[]> producer;
    private final int maxInFlight;
    private final long syncWaitMillis;
    private final AsyncHealth health;
    private final Metrics metrics;
    private final String clientId;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    SharedProducer(String clientId, Producer<byte[], byte[]> producer, int maxInFlight, long deliveryTimeoutMs,
            long maxBlockMs, AsyncHealth health, Metrics metrics) {
        this.clientId = clientId;
        this.producer = producer;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.syncWaitMillis = deliveryTimeoutMs + maxBlockMs + SYNC_MARGIN_MS;
        this.health = health;
    }

    /**
     * Async: answer as soon as the producer took every record; failures later are logged and
     * counted. A request is taken whole or not at all (all its topics fit the buffer, or 503).
     */
    SendResult sendAsync(List<ProducerRecord<byte[], byte[]>> records) {
        switch (health.admit()) {
            case REJECT -> {
                return SendResult.gated(health.consecutiveFailures());
            }
            case PROBE -> {
                SendResult probe = sendSync(records);
                health.probed(probe.ok());
                return probe;
            }
            default -> { }
        }
        int n = records.size();
        if (inFlight.addAndGet(n) > maxInFlight) {
            inFlight.addAndGet(-n);
            return SendResult.bufferFull(maxInFlight);
        }
        List<Future<RecordMetadata>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ProducerRecord<byte[], byte[]> record = records.get(i);
            try {
                futures.add(producer.send(record, (metadata, error) -> completed(record.topic(), error)));
            } catch (RuntimeException e) {
                inFlight.addAndGet(-(n - i)); // this one and the ones never handed over
                countFailure(record.topic());
                health.failed();
                return SendResult.failure(e, record.topic());
            }
        }
        return rejectedAtOnce(records, futures);
    }

    /** A record refused before it was queued (e.g. too large) is reported to the client now. */
    private static SendResult rejectedAtOnce(List<ProducerRecord<byte[], byte[]>> records,
            List<Future<RecordMetadata>> futures) {
        for (int i = 0; i < futures.size(); i++) {
            if (futures.get(i).isDone()) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    return SendResult.failure(e, records.get(i).topic());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return SendResult.SENT;
    }

    /** Sync: answer once the broker acknowledged every record (per acks) or one definitely failed. */
    SendResult sendSync(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        SendResult result = SendResult.SENT;
        for (ProducerRecord<byte[], byte[]> record : records) {
            try {
                futures.add(producer.send(record));
            } catch (RuntimeException e) {
                countFailure(record.topic());
                result = SendResult.failure(e, record.topic());
                futures.add(null);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(syncWaitMillis);
        for (int i = 0; i < futures.size(); i++) {
            if (futures.get(i) != null) {
                SendResult one = await(futures.get(i), records.get(i).topic(), deadline);
                result = result.ok() ? one : result;
            }
        }
        return result;
    }

    private SendResult await(Future<RecordMetadata> future, String topic, long deadline) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            countDelivery(topic);
            return SendResult.SENT;
        } catch (ExecutionException e) {
            countFailure(topic);
            return SendResult.failure(e, topic);
        } catch (java.util.concurrent.TimeoutException e) {
            countFailure(topic);
            return SendResult.failure(new TimeoutException("no acknowledgement within " + syncWaitMillis + " ms"), topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.failure(new InterruptException(e), topic);
        }
    }

    private void completed(String topic, Exception error) {
        inFlight.decrementAndGet();
        if (error == null) {
            countDelivery(topic);
            health.delivered();
            return;
        }
        countFailure(topic);
        health.failed();
        failureLog.warn("async delivery to topic " + topic + " failed: " + SendResult.failure(error, topic).error()
                + " (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")");
    }

    private void countDelivery(String topic) {
        delivered.increment();
        metrics.delivered(topic);
    }

    private void countFailure(String topic) {
        failed.increment();
        metrics.failed(topic);
    }

    Metrics.ProducerState state() {
        return new Metrics.ProducerState(clientId, inFlight.get(), health.gated());
    }

    /** Messages accepted and not yet acknowledged or failed. */
    int inFlight() {
        return inFlight.get();
    }

    long delivered() {
        return delivered.sum();
    }

    long failed() {
        return failed.sum();
    }

    boolean gated() {
        return health.gated();
    }

    /** Flushes what was accepted (bounded) and closes the producer. */
    void close(Duration timeout) {
        producer.close(timeout);
        failureLog.flush("async delivery failures");
    }
}
