package dev.kongjava.pluginserver.internal.event;

import dev.kongjava.pluginserver.internal.instance.PdkCall;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The read-ahead of one event: the calls the server makes before the handler runs, Kong's answers
 * to them, and what those answers hold of the in-flight budget. Filled by connection threads (one
 * Step at a time, ordered by the event's state), then consumed by the handler's thread.
 */
final class ReadAheadAnswers {
    private final List<PdkCall> calls;
    private final Delivery[] answers;
    private final Runnable[] charges;
    private int received;
    private int served;
    private boolean stopped;

    ReadAheadAnswers(List<PdkCall> calls) {
        this.calls = calls;
        this.answers = new Delivery[calls.size()];
        this.charges = new Runnable[calls.size()];
    }

    /** The next call to make, or null once every answer is in (or one was an error). */
    synchronized @Nullable PdkCall next() {
        return stopped || received == calls.size() ? null : calls.get(received);
    }

    /** Kong's answer to the call {@link #next()} returned; {@code charge} gives back what it holds. */
    synchronized void store(Delivery answer, Runnable charge) {
        answers[received] = answer;
        charges[received] = charge;
        received++;
        // the handler gets the error at this call and decides; reading on would change what Kong sees
        stopped = answer.error() != null;
    }

    /**
     * The answer to the handler's call when it is the next one read ahead; null otherwise, and then
     * every later answer is dropped (the handler went another way, its calls go to Kong).
     */
    synchronized @Nullable Delivery take(String method, @Nullable Object[] args) {
        if (served < received && calls.get(served).matches(method, args)) {
            return answers[served++];
        }
        served = received;
        return null;
    }

    /** Gives back what every answer holds of the in-flight budget; once the handler calls Kong or the event ends. */
    synchronized void release() {
        for (int i = 0; i < received; i++) {
            if (charges[i] != null) {
                charges[i].run();
                charges[i] = null;
            }
            answers[i] = null;
        }
        served = received;
    }
}
