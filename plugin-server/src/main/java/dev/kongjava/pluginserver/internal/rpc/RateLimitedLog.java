package dev.kongjava.pluginserver.internal.rpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that can repeat once per request or connection: the first one of each interval is
 * logged, the others are counted and their number is added to the next line, so a peer cannot grow
 * the log by repeating what it does.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong windowStart;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.windowStart = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= intervalNanos && windowStart.compareAndSet(start, now)) {
            long hidden = suppressed.getAndSet(0);
            log.warn(hidden == 0 ? format : format + " (and " + hidden + " more like it since the last report)", args);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
