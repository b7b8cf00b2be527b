package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access phase of one kafka-upstream instance: read what the config needs from Kong, build
 * the records, produce them, end the request with {@code kong.response.exit}. The upstream service
 * is never called.
 */
final class KafkaUpstreamHandler implements AccessPhase, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaUpstreamHandler.class);

    private final KafkaUpstreamConfig config;
    private final RequestReader reader;
    private final KafkaUpstreamPlugin plugin;
    private final ReentrantLock producerLock = new ReentrantLock();
    private volatile PoolKey key;
    private volatile SharedProducer producer;
    private volatile boolean closed;

    KafkaUpstreamHandler(KafkaUpstreamConfig config, KafkaUpstreamPlugin plugin) {
        this.config = config;
        this.reader = RequestReader.of(config);
        this.plugin = plugin;
    }

    @Override
    public void access(Kong kong) {
        long start = System.nanoTime();
        int status = handle(kong);
        plugin.pool().metrics().request(config.topic(), status, System.nanoTime() - start);
    }

    /** Answers the request; returns the status it answered with. */
    private int handle(Kong kong) {
        CapturedRequest request = reader.read(kong);
        List<ProducerRecord<byte[], byte[]>> records;
        try {
            records = Records.build(request, config);
        } catch (BadRequestBody e) {
            Replies.error(kong, 400, e.getMessage());
            return 400;
        }
        SharedProducer shared;
        try {
            shared = producer();
        } catch (KongCertificates.Unavailable e) {
            LOG.error("{}", e.getMessage());
            Replies.error(kong, 500, e.getMessage());
            return 500;
        } catch (KafkaException e) {
            // e.g. no bootstrap host resolves: the original's "could not create a Kafka Producer"
            String error = "could not create a Kafka producer from the configuration: " + rootMessage(e);
            LOG.error("{}", error);
            Replies.error(kong, 500, error);
            return 500;
        }
        SendResult result = config.producer().async() ? shared.sendAsync(records) : shared.sendSync(records);
        if (result.ok()) {
            Replies.sent(kong);
        } else {
            LOG.warn("request not sent to topic {}: {} ({})", records.get(0).topic(), result.error(), result.detail());
            Replies.error(kong, result.status(), result.error(config.returnErrorMessage()));
        }
        return result.status();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /**
     * The instance's producer, acquired on first use: resolving certificates asks Kong's Admin API,
     * which should not happen while Kong waits for StartInstance.
     */
    private SharedProducer producer() throws KongCertificates.Unavailable {
        SharedProducer current = producer;
        if (current != null) {
            return current;
        }
        producerLock.lock();
        try {
            if (producer == null) {
                if (closed) {
                    throw new IllegalStateException("instance closed");
                }
                key = plugin.producerKey(config);
                producer = plugin.pool().acquire(key);
            }
            return producer;
        } finally {
            producerLock.unlock();
        }
    }

    /** Releases the shared producer; the last instance using it flushes and closes it. */
    @Override
    public void close() {
        producerLock.lock();
        try {
            closed = true;
            if (producer != null) {
                plugin.pool().release(key, Duration.ofMillis(ProducerSettings.deliveryTimeout(config.producer())));
                producer = null;
            }
        } finally {
            producerLock.unlock();
        }
    }
}
