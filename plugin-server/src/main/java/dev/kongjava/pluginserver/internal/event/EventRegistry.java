package dev.kongjava.pluginserver.internal.event;

import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.plugin.Phase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Running events by {@code EventId}, reachable from every connection (Kong may send the Steps of
 * one event over different pooled connections). Owns the per-event virtual threads.
 */
public final class EventRegistry {
    private final Map<Integer, RunningEvent> events = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final long timeoutNanos;

    /** @param timeout how long either side may stay silent before the event is ended */
    public EventRegistry(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Starts the handler of {@code phase} on a new virtual thread; its first PDK call (or "ret")
     * answers {@code reply}. The caller has already registered the event on the instance.
     */
    public void start(PluginInstance instance, Phase phase, Reply reply) {
        int id = nextId.incrementAndGet() & Integer.MAX_VALUE;
        RunningEvent event = new RunningEvent(id, instance, phase, this, reply);
        events.put(id, event);
        Thread.ofVirtual()
                .name(instance.definition().name() + "." + phase.wireName() + "#" + id)
                .start(event::run);
    }

    /** Delivers a Step result (or a StepError text) to the event waiting for it. */
    public void step(long eventId, Object data, String error, Reply reply) {
        RunningEvent event = events.get((int) eventId);
        if (event == null) {
            reply.error("no running event " + eventId + " (it ended or timed out)");
        } else if (!event.deliver(data, error, reply)) {
            reply.error("event " + eventId + " is not waiting for a PDK result");
        }
    }

    /** Ends events that made no progress within the timeout; called periodically. */
    public void expireStale() {
        long now = System.nanoTime();
        for (RunningEvent event : events.values()) {
            event.expireIfStale(now, timeoutNanos);
        }
    }

    /** Number of events not yet ended. */
    public int size() {
        return events.size();
    }

    /** Waits until no event runs or {@code timeout} passes; true if none is left. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!events.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return events.isEmpty();
    }

    void remove(RunningEvent event) {
        events.remove(event.id, event);
    }
}
