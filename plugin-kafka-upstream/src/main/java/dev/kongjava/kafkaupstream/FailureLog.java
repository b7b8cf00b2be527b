package dev.kongjava.kafkaupstream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs the first failure of a burst and then one summary per interval, so a broker outage with
 * thousands of failed async deliveries a second leaves a readable log. Every failure is counted.
 */
final class FailureLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
    private final AtomicLong suppressed = new AtomicLong();

    FailureLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    void failed(String message) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= intervalNanos && windowStart.compareAndSet(start, now)) {
            long hidden = suppressed.getAndSet(0);
            log.warn(hidden == 0 ? message : message + " (and " + hidden + " more failures in the last "
                    + intervalNanos / 1_000_000_000 + " s)");
        } else {
            suppressed.incrementAndGet();
        }
    }

    /** Reports failures not yet logged (on close). */
    void flush() {
        long hidden = suppressed.getAndSet(0);
        if (hidden > 0) {
            log.warn("{} more failures since the last report", hidden);
        }
    }
}
