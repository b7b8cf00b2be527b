package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.produce.PoolKey;
import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.kafkaupstream.produce.SendResult;
import dev.kongjava.kafkaupstream.produce.SharedProducer;
import dev.kongjava.kafkaupstream.produce.SyncSend;
import dev.kongjava.kafkaupstream.produce.WarmUp;
import dev.kongjava.kafkaupstream.record.BadRequestBody;
import dev.kongjava.kafkaupstream.record.BuildBudget;
import dev.kongjava.kafkaupstream.record.CapturedRequest;
import dev.kongjava.kafkaupstream.record.MessageTooLarge;
import dev.kongjava.kafkaupstream.record.RequestReader;
import dev.kongjava.kafkaupstream.record.RequestRecords;
import dev.kongjava.kafkaupstream.tls.CertificateUnavailable;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.ServerBusyException;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import dev.kongjava.pluginserver.plugin.ReadAhead;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access phase of one kafka-upstream instance: read what the config needs from Kong, build
 * the records, produce them, end the request with {@code kong.response.exit}. The upstream service
 * is never called.
 */
final class KafkaUpstreamHandler implements AccessPhase, ReadAhead, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaUpstreamHandler.class);
    /** A failure repeats per request (a broker outage, a flood of bodies): one line per interval per instance. */
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /** An OAuth producer logs in while it is created: after a failed login, the next try waits this long. */
    static final Duration LOGIN_RETRY = Duration.ofSeconds(1);

    private final KafkaUpstreamConfig config;
    private final RequestReader reader;
    private final ServerResources resources;
    /** Null without schema_registry: records go as they are built. */
    private final SchemaSerializer schemas;

    private final ReentrantLock producerLock = new ReentrantLock();
    private volatile PoolKey key;
    private volatile SharedProducer producer;
    private volatile boolean closed;
    private final WarmUp warmUp;
    /** The last failure to create an OAuth producer (its login), and when: guarded by producerLock. */
    private KafkaException loginFailure;

    private long loginFailedAt;

    private KafkaUpstreamHandler(KafkaUpstreamConfig config, ServerResources resources, SchemaSerializer schemas) {
        this.config = config;
        this.reader = RequestReader.of(config);
        this.resources = resources;
        this.schemas = schemas;
        this.warmUp = new WarmUp(config, failures);
    }

    /** A handler whose producer and topic metadata are being warmed up already (see {@link WarmUp}). */
    static KafkaUpstreamHandler started(
            KafkaUpstreamConfig config, ServerResources resources, SchemaSerializer schemas) {
        KafkaUpstreamHandler handler = new KafkaUpstreamHandler(config, resources, schemas);
        handler.warmUp.start(handler::acquire);
        return handler;
    }

    /** Everything the request needs is known from the config: the server reads it before {@link #access} runs. */
    @Override
    public void readAhead(Phase phase, Kong kong) {
        reader.read(kong);
    }

    @Override
    public void access(Kong kong) {
        long start = System.nanoTime();
        // The read-ahead may hold the body meanwhile: it stays charged to the server's in-flight
        // budget, so waiting requests cannot grow memory past --max-bytes-in-flight.
        warmUp.await();
        int status = handle(kong);
        resources.pool().metrics().request(config.topic(), status, System.nanoTime() - start);
    }

    /** How a request ended, and the batch element of each of its records (null when not a batch). */
    private record Answer(SendResult result, List<Integer> elements) {}

    /** Answers the request; returns the status it answered with. */
    private int handle(Kong kong) {
        Answer answer;
        try {
            answer = send(reader.read(kong)).get();
        } catch (ServerBusyException e) {
            // the body did not fit the server's budget for requests in flight: it was never kept
            answer = new Answer(SendResult.busy(e.getMessage()), null);
        }
        SendResult result = answer.result();
        if (result.status() >= 500) {
            failures.warn("request not sent to topic " + config.topic() + ": " + result.error()
                    + (result.detail() == null ? "" : " (" + result.detail() + ")"));
        }
        Replies.answer(kong, result, answer.elements(), config);
        return result.status();
    }

    /**
     * Builds the records and hands them to the producer within the plugin's {@link BuildBudget}, so
     * the memory of messages being built is bounded whatever the number of requests; returns the
     * outcome, or (sync) the wait for the broker's acknowledgement, which needs no budget.
     */
    private Supplier<Answer> send(CapturedRequest request) {
        try (RequestRecords built = RequestRecords.build(request, config, resources.builds())) {
            List<ProducerRecord<byte[], byte[]>> records = schemas == null
                    ? built.records()
                    : schemas.serialize(
                            built.records(),
                            resources.builds(),
                            config.producer().bytesPerRequest());
            SharedProducer shared = producer();
            List<Integer> elements = built.elements();
            if (config.producer().async()) {
                SendResult result = shared.sendAsync(records);
                return () -> new Answer(result, elements);
            }
            SyncSend sync = shared.startSync(records);
            return () -> new Answer(sync.await(), elements);
        } catch (RequestRecords.BudgetFull e) {
            return answer(SendResult.busy(e.getMessage()));
        } catch (BadRequestBody e) {
            return answer(new SendResult(400, e.getMessage(), null));
        } catch (MessageTooLarge e) {
            return answer(new SendResult(413, e.getMessage(), null));
        } catch (SchemaSerializer.Refused e) {
            return answer(e.result());
        } catch (CertificateUnavailable | ProducerPool.TooManyProducers | KafkaException e) {
            return answer(SendResult.noProducer(e));
        }
    }

    private static Supplier<Answer> answer(SendResult result) {
        return () -> new Answer(result, null);
    }

    /** The instance's producer; the warm-up has acquired it already unless that failed. */
    private SharedProducer producer() throws CertificateUnavailable, ProducerPool.TooManyProducers {
        SharedProducer current = acquire();
        if (current == null) {
            throw new IllegalStateException("instance closed");
        }
        return current;
    }

    /**
     * The instance's producer, acquired on first use (by the warm-up, after StartInstance: resolving
     * certificates may ask Kong's Admin API, which should not happen while Kong waits for
     * StartInstance); null once the instance is closed. The lock makes acquire and release happen
     * exactly once each, whichever of the warm-up, a request and CloseInstance comes first.
     */
    private SharedProducer acquire() throws CertificateUnavailable, ProducerPool.TooManyProducers {
        SharedProducer current = producer;
        if (current != null) {
            return current;
        }
        producerLock.lock();
        try {
            if (producer == null && !closed) {
                if (loginFailure != null && System.nanoTime() - loginFailedAt < LOGIN_RETRY.toNanos()) {
                    throw loginFailure; // requests meanwhile get the same 502 at once, and the endpoint rests
                }
                key = resources.producerKey(config);
                try {
                    producer = resources.pool().acquire(key);
                    loginFailure = null;
                } catch (KafkaException e) {
                    if (config.oauthBearer() != null) {
                        loginFailure = e;
                        loginFailedAt = System.nanoTime();
                    }
                    throw e;
                }
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
                resources.pool().release(key, Duration.ofMillis(ProducerSettings.deliveryTimeout(config.producer())));
                producer = null;
            }
        } finally {
            producerLock.unlock();
        }
    }
}
