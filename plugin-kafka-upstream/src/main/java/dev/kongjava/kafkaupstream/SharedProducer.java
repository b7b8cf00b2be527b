package dev.kongjava.kafkaupstream;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka producer shared by every instance with the same settings, with the async bookkeeping
 * the original had per producer: a bound on messages accepted but not yet acknowledged (beyond it
 * requests get 503 instead of blocking), and counters of what was delivered and what failed.
 */
final class SharedProducer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedProducer.class);
    /** Extra wait over delivery.timeout.ms, so Kafka reports the failure before we give up on it. */
    private static final long SYNC_MARGIN_MS = 1000;

    private final Producer<byte[], byte[]> producer;
    private final int maxInFlight;
    private final long syncWaitMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final FailureLog failureLog = new FailureLog(LOG, Duration.ofSeconds(10));
    private final AtomicLong lastFailureNanos = new AtomicLong();

    SharedProducer(Producer<byte[], byte[]> producer, int maxInFlight, long deliveryTimeoutMs, long maxBlockMs) {
        this.producer = producer;
        this.maxInFlight = maxInFlight;
        this.syncWaitMillis = deliveryTimeoutMs + maxBlockMs + SYNC_MARGIN_MS;
    }

    /** Async: answer as soon as the producer took the record; failures later are logged and counted. */
    SendResult sendAsync(ProducerRecord<byte[], byte[]> record) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return SendResult.bufferFull(maxInFlight);
        }
        Future<RecordMetadata> future;
        try {
            future = producer.send(record, (metadata, error) -> completed(record.topic(), error));
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            failed.increment();
            return SendResult.failure(e, record.topic());
        }
        if (future.isDone()) {
            // rejected before it was queued (e.g. too large): the client hears it now
            try {
                future.get();
            } catch (ExecutionException e) {
                return SendResult.failure(e, record.topic());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return SendResult.SENT;
    }

    /** Sync: answer once the broker acknowledged (per acks) or the send definitely failed. */
    SendResult sendSync(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(syncWaitMillis, TimeUnit.MILLISECONDS);
            delivered.increment();
            return SendResult.SENT;
        } catch (ExecutionException | RuntimeException e) {
            failed.increment();
            return SendResult.failure(e, record.topic());
        } catch (java.util.concurrent.TimeoutException e) {
            failed.increment();
            return SendResult.failure(new org.apache.kafka.common.errors.TimeoutException(
                    "no acknowledgement within " + syncWaitMillis + " ms"), record.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.failure(new org.apache.kafka.common.errors.InterruptException(e), record.topic());
        }
    }

    private void completed(String topic, Exception error) {
        inFlight.decrementAndGet();
        if (error == null) {
            delivered.increment();
            return;
        }
        failed.increment();
        lastFailureNanos.set(System.nanoTime());
        failureLog.failed("async delivery to topic " + topic + " failed: " + SendResult.failure(error, topic).error()
                + " (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")");
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

    /** Flushes what was accepted (bounded) and closes the producer. */
    void close(Duration timeout) {
        producer.close(timeout);
        failureLog.flush();
    }
}
