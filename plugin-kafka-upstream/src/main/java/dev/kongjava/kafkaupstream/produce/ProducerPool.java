package dev.kongjava.kafkaupstream.produce;

import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One producer per distinct producer settings, shared by reference count: Kong starts an instance
 * per worker per plugin config (and a new one on every config change), which must not mean a
 * producer each. The producer closes, flushing what it accepted, when its last instance goes.
 */
public final class ProducerPool {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerPool.class);

    private static final class Entry {
        final PoolKey key;
        final SharedProducer producer;
        int references;

        Entry(PoolKey key, SharedProducer producer) {
            this.key = key;
            this.producer = producer;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PoolKey, Entry> entries = new HashMap<>();
    /** Producers removed from {@link #entries} whose close (a flush) is still running. */
    private final Set<SharedProducer> closing = ConcurrentHashMap.newKeySet();
    /** Everything lost by producers while they closed, for the shutdown's verdict. */
    private final Losses lost = new Losses();

    private final AtomicInteger created = new AtomicInteger();
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> factory;
    private final Metrics metrics = new Metrics();
    private volatile int maxProducers = DEFAULT_MAX_PRODUCERS;

    /** Each holds up to {@link ProducerSettings#BUFFER_MEMORY} and a network thread: 16 of them 256 MiB. */
    public static final int DEFAULT_MAX_PRODUCERS = 16;

    /** More distinct producers than this cannot be created (configs that would need one fail to start). */
    public static final class TooManyProducers extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyProducers(int limit) {
            super(
                    "the plugin server already runs " + limit + " Kafka producers, its limit (--max-producers); "
                            + "a config whose producer settings differ from theirs cannot get one",
                    null,
                    false,
                    false);
        }
    }

    public ProducerPool() {
        this(KafkaProducer::new);
    }

    /** @param factory makes a producer from settings (tests pass a MockProducer) */
    public ProducerPool(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
        this.factory = factory;
        metrics.producers(this::states);
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Sets the limit on distinct producers (the server's {@code --max-producers}). */
    public void maxProducers(int limit) {
        maxProducers = limit;
    }

    private java.util.List<Metrics.ProducerState> states() {
        lock.lock();
        try {
            return entries.values().stream().map(e -> e.producer.state()).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The shared producer for {@code key}, created on first use; pair with {@link #release}. */
    public SharedProducer acquire(PoolKey key) throws TooManyProducers {
        lock.lock();
        try {
            Entry entry = entries.get(key);
            if (entry == null) {
                if (entries.size() >= maxProducers) {
                    throw new TooManyProducers(maxProducers);
                }
                String clientId = "kong-kafka-upstream-" + created.incrementAndGet()
                        + (key.clusterName == null
                                ? ""
                                : "-" + key.clusterName.substring(0, Math.min(64, key.clusterName.length())));
                Producer<byte[], byte[]> producer = factory.apply(key.settings.toMap(clientId));
                entry = new Entry(
                        key,
                        new SharedProducer(
                                clientId,
                                producer,
                                key.maxInFlight,
                                ((Number) key.settings.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).longValue(),
                                ((Number) key.settings.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).longValue(),
                                new AsyncHealth(key.health),
                                metrics,
                                lost));
                entries.put(key, entry);
                LOG.info("producer {} created with {}", clientId, key.settings);
            } else if (entry.key.differsFrom(key)) {
                LOG.warn("{} is shared by configs with different producer settings; the first one's are used", key);
            }
            entry.references++;
            return entry.producer;
        } finally {
            lock.unlock();
        }
    }

    /** Drops one reference; the last one closes the producer, waiting up to {@code flushTimeout}. */
    public void release(PoolKey key, Duration flushTimeout) {
        Entry entry;
        lock.lock();
        try {
            entry = entries.get(key);
            if (entry == null || --entry.references > 0) {
                return;
            }
            entries.remove(key);
        } finally {
            lock.unlock();
        }
        closing.add(entry.producer);
        try {
            entry.producer.close(flushTimeout); // outside the lock: a flush may take a while
        } finally {
            closing.remove(entry.producer);
        }
    }

    /**
     * The end of a shutdown: every producer still open or still flushing is closed at once, its
     * undelivered records failing now; returns everything producers lost while closing in this
     * process (count per topic and the first error), empty when nothing was.
     */
    public Losses closeAllNow(Duration callbacks) {
        List<SharedProducer> open = new ArrayList<>(closing);
        lock.lock();
        try {
            entries.values().forEach(e -> open.add(e.producer));
            entries.clear();
        } finally {
            lock.unlock();
        }
        for (SharedProducer producer : open) {
            producer.forceClose(callbacks);
        }
        return lost;
    }

    /** Totals over the open producers: what they delivered, what failed, what is in flight. */
    public record Totals(int producers, long delivered, long failed, long inFlight) {}

    public Totals totals() {
        lock.lock();
        try {
            long delivered = 0;
            long failed = 0;
            long inFlight = 0;
            for (Entry e : entries.values()) {
                delivered += e.producer.delivered();
                failed += e.producer.failed();
                inFlight += e.producer.inFlight();
            }
            return new Totals(entries.size(), delivered, failed, inFlight);
        } finally {
            lock.unlock();
        }
    }

    /** Producers currently open. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
