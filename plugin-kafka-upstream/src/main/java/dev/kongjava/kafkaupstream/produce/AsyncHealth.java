package dev.kongjava.kafkaupstream.produce;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health gate of an async producer (producer_async_health_*): after N deliveries failed in a
 * row the gate closes and requests get 503 instead of 200-then-lost; while closed, one request per
 * probe interval is sent synchronously as a probe, and M successful probes open it again.
 */
final class AsyncHealth {
    /** What to do with the next request. */
    enum Admission {
        ACCEPT,
        PROBE,
        REJECT
    }

    private final KafkaUpstreamConfig.Health config;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger probeSuccesses = new AtomicInteger();
    private final AtomicBoolean gated = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime());

    AsyncHealth(KafkaUpstreamConfig.Health config) {
        this.config = config;
    }

    Admission admit() {
        if (!config.gating() || !gated.get()) {
            return Admission.ACCEPT;
        }
        long now = System.nanoTime();
        long last = lastProbeNanos.get();
        if (now - last >= config.probeIntervalMs() * 1_000_000L
                && lastProbeNanos.compareAndSet(last, now)
                && probing.compareAndSet(false, true)) {
            return Admission.PROBE;
        }
        return Admission.REJECT;
    }

    void delivered() {
        consecutiveFailures.set(0);
    }

    void failed() {
        if (consecutiveFailures.incrementAndGet() >= config.failureThreshold() && gated.compareAndSet(false, true)) {
            probeSuccesses.set(0);
            lastProbeNanos.set(System.nanoTime());
        }
    }

    /** The outcome of a probe admitted with {@link Admission#PROBE}. */
    void probed(boolean ok) {
        probing.set(false);
        if (!ok) {
            probeSuccesses.set(0);
        } else if (probeSuccesses.incrementAndGet() >= config.recoveryThreshold()) {
            consecutiveFailures.set(0);
            gated.set(false);
        }
    }

    boolean gated() {
        return gated.get();
    }

    int consecutiveFailures() {
        return consecutiveFailures.get();
    }
}
