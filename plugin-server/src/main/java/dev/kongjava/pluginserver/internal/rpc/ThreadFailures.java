package dev.kongjava.pluginserver.internal.rpc;

import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * New connections the server could not start serving, nearly always for want of a thread (the
 * process or its user is at its thread limit). Each is logged, rate-limited; once every attempt for
 * a whole window failed, the server can no longer serve and {@link #verdict()} says why, so that it
 * exits and Kong starts a fresh one. Called by the accept thread only; the verdict is read by the
 * housekeeper.
 */
final class ThreadFailures {
    private final long windowNanos;
    private final RateLimitedLog log;
    private boolean failing;
    private long failingSince;
    private volatile @Nullable String verdict;

    ThreadFailures(Duration window, RateLimitedLog log) {
        this.windowNanos = window.toNanos();
        this.log = log;
    }

    void succeeded() {
        failing = false;
    }

    void failed(Throwable cause) {
        long now = System.nanoTime();
        if (!failing) {
            failing = true;
            failingSince = now;
        }
        log.warn("closed a new connection at once, it could not be served (" + cause + ")");
        if (now - failingSince >= windowNanos && verdict == null) {
            verdict =
                    "no new connection could be served for " + (now - failingSince) / 1_000_000 + " ms (" + cause + ")";
        }
    }

    /** Null while the server can serve. */
    @Nullable
    String verdict() {
        return verdict;
    }
}
