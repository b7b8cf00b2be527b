package dev.kongjava.pluginserver.internal.instance;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Instance ids: a random 31-bit start plus a counter. A Kong worker keeps ids across our restarts
 * and would send an old id to a new process (Kong/kong#8370); starting at a random point makes it
 * very unlikely that the old id now names a different config, and within a process an id is
 * never reused (until 2^31 instances).
 */
final class InstanceIds {
    private final AtomicInteger next;

    InstanceIds() {
        this(1 + new SecureRandom().nextInt(Integer.MAX_VALUE - 1));
    }

    InstanceIds(int start) {
        this.next = new AtomicInteger(start);
    }

    int next() {
        while (true) {
            int id = next.getAndIncrement() & Integer.MAX_VALUE;
            if (id != 0) {
                return id;
            }
        }
    }
}
