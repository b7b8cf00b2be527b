package dev.kongjava.kafkaupstream.produce;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.tls.CertificateUnavailable;
import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's producer, connected and given its topics' metadata right after StartInstance, on a
 * virtual thread that StartInstance does not wait for. Without it the first request paid for a new
 * producer (class loading, connections, metadata) inside its own {@code max.block.ms}, and a fresh
 * server on a busy machine answered 502 with a healthy broker.
 *
 * <p>A request that arrives meanwhile waits: for the producer, which it would otherwise create
 * itself, then for the topic's metadata at most {@code timeout} + {@code producer_request_timeout} (one
 * connection attempt and one metadata round trip) from when the producer existed; then it is
 * handled with all of its own bounds. A warm-up that fails is only logged: the request acquires
 * and sends as it would have without one.
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /** Gets the instance's producer (a new one, or the one it shares); null once the instance is closed. */
    public interface Acquire {
        SharedProducer get() throws CertificateUnavailable, ProducerPool.TooManyProducers;
    }

    private final CountDownLatch acquired = new CountDownLatch(1);
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<String> topics;
    private final long boundNanos;
    private final RateLimitedLog failures;
    /** When requests stop waiting for the metadata; set once the producer is there. */
    private volatile long deadline;

    /** @param failures where a failed warm-up is reported (the instance's rate-limited warnings) */
    public WarmUp(KafkaUpstreamConfig config, RateLimitedLog failures) {
        this.topics = Stream.concat(Stream.of(config.topic()), config.allowedTopics().stream())
                .distinct()
                .toList();
        this.boundNanos = TimeUnit.MILLISECONDS.toNanos(
                (long) config.timeout() + config.producer().requestTimeout());
        this.failures = failures;
    }

    /** Starts the warm-up; {@link #await()} returns only after this was called. */
    public void start(Acquire acquire) {
        Thread.ofVirtual().name("kafka-upstream-warm-up").start(() -> run(acquire));
    }

    /**
     * Returns once the warm-up has the first topic's metadata, has failed, or has used its bound.
     * The wait for the producer itself is what the request would spend on acquiring it anyway.
     */
    public void await() {
        try {
            acquired.await();
            ready.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Acquire acquire) {
        long start = System.nanoTime();
        SharedProducer producer = null;
        try {
            producer = acquire.get();
        } catch (CertificateUnavailable | ProducerPool.TooManyProducers | KafkaException e) {
            failures.warn("warm-up for topic " + topics.get(0) + ": "
                    + SendResult.noProducer(e).error() + "; requests try again");
        } finally {
            deadline = System.nanoTime() + boundNanos;
            acquired.countDown();
        }
        try {
            if (producer == null || !metadata(producer, topics.get(0))) {
                return;
            }
            LOG.debug("warm-up for topic {} done in {} ms", topics.get(0), (System.nanoTime() - start) / 1_000_000);
        } finally {
            ready.countDown();
        }
        // requests no longer wait; the other topics a request may name get their metadata now
        for (String topic : topics.subList(1, topics.size())) {
            if (!metadata(producer, topic)) {
                return;
            }
        }
    }

    /**
     * Asks for the topic's metadata until it comes or the deadline passes (each ask blocks at most
     * max.block.ms: a busy machine may need several to connect); false, and logged, if it never came.
     */
    private boolean metadata(SharedProducer producer, String topic) {
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                producer.fetchMetadata(topic);
                return true;
            } catch (TimeoutException e) {
                last = e;
            } catch (RuntimeException e) {
                last = e; // authentication, TLS, authorization, a closed producer: asking again will not help
                break;
            }
        }
        if (!producer.closing()) {
            String why = last == null || last instanceof TimeoutException
                    ? " within " + TimeUnit.NANOSECONDS.toMillis(boundNanos)
                            + " ms (unreachable brokers or a missing topic)"
                    : " (" + SendResult.failure(last, topic).error() + ")";
            failures.warn("warm-up for topic " + topic + ": no metadata" + why + "; requests try again");
        }
        return false;
    }
}
