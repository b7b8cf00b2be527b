package dev.kongjava.kafkaupstream.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory for messages being built and handed to a producer, across every request of the server:
 * a request reserves what building its message can take (the body decoded as text, and the message
 * itself, which JSON escaping can make up to six times the body) before anything is built, and
 * gives it back once the producer has its copy. When the budget is used up the request gets 503 at
 * once: no request waits for another, and no number of requests can take more than the budget.
 */
public final class BuildBudget {
    /** With the server's 64 MiB of request bodies in flight, what the launcher's heap has room for. */
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;

    private final long total;
    private final AtomicLong used = new AtomicLong();

    public BuildBudget(long totalBytes) {
        this.total = totalBytes;
    }

    /** What building a message from {@code bodyBytes} of body can take, when the message may reach {@code limit}. */
    public static long estimate(long bodyBytes, int limit) {
        return 2 * bodyBytes + Math.min(limit, 6 * bodyBytes + 1024);
    }

    /** Takes {@code bytes}; false, taking nothing, when that would pass the budget. */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > total) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }
}
