package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access phase of one kafka-upstream instance: read the request, build the message, produce
 * it, end the request with {@code kong.response.exit}. The upstream service is never called.
 */
final class KafkaUpstreamHandler implements AccessPhase, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaUpstreamHandler.class);

    private final KafkaUpstreamConfig config;
    private final KafkaUpstreamPlugin plugin;
    private final ReentrantLock producerLock = new ReentrantLock();
    private volatile ProducerPool.Key key;
    private volatile SharedProducer producer;
    private volatile boolean closed;

    KafkaUpstreamHandler(KafkaUpstreamConfig config, KafkaUpstreamPlugin plugin) {
        this.config = config;
        this.plugin = plugin;
    }

    @Override
    public void access(Kong kong) {
        CapturedRequest request = RequestReader.read(kong, config.forward());
        byte[] message;
        try {
            message = Envelope.build(request, config.forward());
        } catch (BadRequestBody e) {
            Replies.error(kong, 400, e.getMessage());
            return;
        }
        SharedProducer shared;
        try {
            shared = producer();
        } catch (KongCertificates.Unavailable e) {
            LOG.error("{}", e.getMessage());
            Replies.error(kong, 500, e.getMessage());
            return;
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.topic(), null, message);
        SendResult result = config.async() ? shared.sendAsync(record) : shared.sendSync(record);
        if (result.ok()) {
            Replies.sent(kong);
        } else {
            LOG.warn("request not sent to topic {}: {} ({})", config.topic(), result.error(), result.detail());
            Replies.error(kong, result.status(), result.error());
        }
    }

    /**
     * The instance's producer, acquired on first use: resolving an mTLS certificate asks Kong's
     * Admin API, which should not run while Kong waits for StartInstance.
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
                plugin.pool().release(key, Duration.ofMillis(ProducerSettings.deliveryTimeout(config)));
                producer = null;
            }
        } finally {
            producerLock.unlock();
        }
    }
}
