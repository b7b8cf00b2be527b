package dev.kongjava.kafkaupstream.produce;

import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.metrics.Metrics;
import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
public final class SharedProducer {
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
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final long maxBytesInFlight;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /** Set when the producer starts closing: from then on a failed record is a lost one. */
    private volatile boolean closing;

    private final Losses lost = new Losses();
    /** The pool's tally of everything lost while closing, for the shutdown's verdict. */
    private final Losses poolLosses;

    SharedProducer(
            String clientId,
            Producer<byte[], byte[]> producer,
            int maxInFlight,
            long deliveryTimeoutMs,
            long maxBlockMs,
            AsyncHealth health,
            Metrics metrics,
            Losses poolLosses) {
        this.poolLosses = poolLosses;
        this.clientId = clientId;
        this.producer = producer;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        // half of buffer.memory: batches round records up to batch.size, and a full buffer would block
        this.maxBytesInFlight = ProducerSettings.BUFFER_MEMORY / 2;
        this.syncWaitMillis = deliveryTimeoutMs + maxBlockMs + SYNC_MARGIN_MS;
        this.health = health;
    }

    /**
     * Async: answer as soon as the producer took every record; failures later are logged and
     * counted. A request is taken whole or not at all (all its topics fit the buffer, or 503).
     */
    public SendResult sendAsync(List<ProducerRecord<byte[], byte[]>> records) {
        switch (health.admit()) {
            case REJECT -> {
                return SendResult.gated(health.consecutiveFailures());
            }
            case PROBE -> {
                SendResult probe = sendSync(records);
                health.probed(probe.ok());
                return probe;
            }
            default -> {}
        }
        SendResult partitions = partitionsExist(records);
        if (!partitions.ok()) {
            return partitions;
        }
        int n = records.size();
        long bytes = 0;
        for (ProducerRecord<byte[], byte[]> record : records) {
            bytes += size(record);
        }
        if (inFlight.addAndGet(n) > maxInFlight) {
            inFlight.addAndGet(-n);
            return SendResult.bufferFull(maxInFlight + " messages");
        }
        if (bytesInFlight.addAndGet(bytes) > maxBytesInFlight) {
            inFlight.addAndGet(-n);
            bytesInFlight.addAndGet(-bytes);
            return SendResult.bufferFull(maxBytesInFlight + " bytes");
        }
        List<Future<RecordMetadata>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ProducerRecord<byte[], byte[]> record = records.get(i);
            long recordBytes = size(record);
            try {
                futures.add(producer.send(record, (metadata, error) -> completed(record.topic(), recordBytes, error)));
            } catch (RuntimeException e) {
                for (int j = i; j < n; j++) { // this one and the ones never handed over
                    inFlight.decrementAndGet();
                    bytesInFlight.addAndGet(-size(records.get(j)));
                }
                countFailure(record.topic());
                health.failed();
                SendResult refused = SendResult.failure(e, record.topic());
                return refused.with(RecordOutcome.afterRefusal(records, futures.size(), refused));
            }
        }
        return RecordOutcome.rejectedAtOnce(records, futures);
    }

    /** Sync: answer once the broker acknowledged every record (per acks) or one definitely failed. */
    SendResult sendSync(List<ProducerRecord<byte[], byte[]>> records) {
        return startSync(records).await();
    }

    /**
     * The first half of a sync send: hands every record to the producer (which copies it into its
     * buffer) and returns at once; {@link SyncSend#await()} waits for the acknowledgements.
     */
    public SyncSend startSync(List<ProducerRecord<byte[], byte[]>> records) {
        SyncSend sync = new SyncSend(this);
        SendResult partitions = partitionsExist(records);
        for (ProducerRecord<byte[], byte[]> record : records) {
            if (!partitions.ok()) {
                sync.refused(record.topic(), partitions);
                continue;
            }
            try {
                sync.handedOver(record.topic(), producer.send(record));
            } catch (RuntimeException e) {
                countFailure(record.topic());
                sync.refused(record.topic(), SendResult.failure(e, record.topic()));
            }
        }
        return sync;
    }

    /** When a sync wait that starts now must end. */
    long syncDeadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(syncWaitMillis);
    }

    RecordOutcome await(Future<RecordMetadata> future, String topic, long deadline) {
        try {
            RecordMetadata metadata = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            countDelivery(topic);
            return new RecordOutcome(topic, metadata, null);
        } catch (ExecutionException e) {
            countFailure(topic);
            return RecordOutcome.failed(topic, SendResult.failure(e, topic));
        } catch (java.util.concurrent.TimeoutException e) {
            countFailure(topic);
            return RecordOutcome.failed(
                    topic,
                    SendResult.failure(
                            new TimeoutException("no acknowledgement within " + syncWaitMillis + " ms"), topic));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RecordOutcome.failed(topic, SendResult.failure(new InterruptException(e), topic));
        }
    }

    /** Waits, at most max.block.ms, until the producer has {@code topic}'s metadata (connecting first if it must). */
    void fetchMetadata(String topic) {
        producer.partitionsFor(topic);
    }

    /** True once the producer closes: then fetching metadata fails, as it should. */
    boolean closing() {
        return closing;
    }

    /**
     * A partition the request named must exist (else Kafka would wait max.block.ms for it and time
     * out): the client's 400. The partition count comes from the producer's metadata.
     */
    private SendResult partitionsExist(List<ProducerRecord<byte[], byte[]>> records) {
        for (ProducerRecord<byte[], byte[]> record : records) {
            if (record.partition() == null) {
                continue;
            }
            try {
                int count = producer.partitionsFor(record.topic()).size();
                if (record.partition() >= count) {
                    return new SendResult(
                            400,
                            "partition " + record.partition() + " does not exist in topic " + record.topic()
                                    + " (it has " + count + ")",
                            null);
                }
            } catch (RuntimeException e) {
                return SendResult.failure(e, record.topic());
            }
        }
        return SendResult.SENT;
    }

    /** What a record takes in the producer's buffer, about: key, value and headers. */
    private static long size(ProducerRecord<byte[], byte[]> record) {
        long size = (long) (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length);
        for (org.apache.kafka.common.header.Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    private void completed(String topic, long bytes, Exception error) {
        inFlight.decrementAndGet();
        bytesInFlight.addAndGet(-bytes);
        if (error == null) {
            countDelivery(topic);
            health.delivered();
            return;
        }
        countFailure(topic);
        health.failed();
        String text = SendResult.failure(error, topic).error() + " ("
                + error.getClass().getSimpleName() + ": " + error.getMessage() + ")";
        if (closing) {
            lost.add(topic, text);
            poolLosses.add(topic, text);
        }
        failureLog.warn("async delivery to topic " + topic + " failed: " + text);
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

    /**
     * Flushes what was accepted (bounded by {@code timeout}) and closes the producer; what could not
     * be delivered fails, is counted (also in the pool's losses) and logged.
     */
    void close(Duration timeout) {
        closing = true;
        producer.close(timeout);
        closed(Duration.ofSeconds(2));
    }

    /**
     * Closes the producer at once (shutdown ran out of time): every record not yet delivered fails
     * now. May run while another thread is still in {@link #close(Duration)}.
     */
    void forceClose(Duration callbacks) {
        closing = true;
        producer.close(Duration.ZERO);
        closed(callbacks);
    }

    /** Waits (bounded) until every accepted record's callback ran, then logs what was lost. */
    private void closed(Duration callbacks) {
        long deadline = System.nanoTime() + callbacks.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failureLog.flush("async delivery failures");
        if (inFlight.get() > 0) {
            LOG.error(
                    "producer {} closed with {} records whose outcome Kafka never reported", clientId, inFlight.get());
        }
        if (lost.total() > 0) {
            LOG.error("producer {}: {}", clientId, lost);
        }
    }
}
