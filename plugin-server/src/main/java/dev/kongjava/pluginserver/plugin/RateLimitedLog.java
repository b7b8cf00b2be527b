package dev.kongjava.pluginserver.plugin;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that can repeat thousands of times a second (a failing accept, refused connections,
 * failed deliveries): the first one is logged at once, later ones at most once per interval with
 * the count of those left out, so a storm leaves a readable log and costs no CPU in logging. Used
 * by the server's listener and by plugins' side services (see {@link ServerHook}).
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    /** When the last line was written; starts an interval in the past so the first one is logged. */
    private final AtomicLong lastLogged;

    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.lastLogged = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** Logs {@code message} as a warning now, or counts it when a line was written less than an interval ago. */
    public void warn(String message) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= intervalNanos && lastLogged.compareAndSet(last, now)) {
            long hidden = suppressed.getAndSet(0);
            log.warn(
                    hidden == 0
                            ? message
                            : message + " (and " + hidden + " more in the last " + (now - last) / 1_000_000_000
                                    + " s)");
        } else {
            suppressed.incrementAndGet();
        }
    }

    /** Logs how many warnings were left out since the last line, if any, e.g. on close: "12 more {@code what} ...". */
    public void flush(String what) {
        long hidden = suppressed.getAndSet(0);
        if (hidden > 0) {
            log.warn("{} more {} since the last report", hidden, what);
        }
    }
}
