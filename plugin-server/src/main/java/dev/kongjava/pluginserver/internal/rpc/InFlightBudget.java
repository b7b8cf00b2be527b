package dev.kongjava.pluginserver.internal.rpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of requests received from Kong and not yet answered, across every connection: what the
 * server holds in memory on Kong's behalf (a request body stays charged until the plugin's next
 * call answers the Step that brought it). Large payloads (bodies) may use the budget only up to a
 * headroom, so that small requests (HandleEvent, the Steps of other events) still get through
 * while bodies fill it; they are refused, not waited for, so no reader ever blocks on another.
 */
public final class InFlightBudget {
    /** A str or bin at least this long is a large payload: refused (and skipped) when over budget. */
    static final int LARGE_PAYLOAD = 64 * 1024;

    private final long total;
    private final long largeLimit;
    private final AtomicLong used = new AtomicLong();

    /** @param totalBytes the budget; one eighth of it is kept for small requests */
    public InFlightBudget(long totalBytes) {
        this.total = totalBytes;
        this.largeLimit = totalBytes - totalBytes / 8;
    }

    /** A budget that never refuses (tools and tests that decode without a server). */
    static InFlightBudget unlimited() {
        return new InFlightBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes}; false (and nothing taken) when that would pass the limit for its kind. */
    boolean tryReserve(long bytes, boolean large) {
        long limit = large ? largeLimit : total;
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes taken right now. */
    public long used() {
        return used.get();
    }

    /** The whole budget. */
    public long total() {
        return total;
    }
}
