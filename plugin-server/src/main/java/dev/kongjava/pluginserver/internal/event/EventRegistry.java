package dev.kongjava.pluginserver.internal.event;

import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.plugin.Phase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Running events by {@code EventId}, reachable from every connection (Kong may send the Steps of
 * one event over different pooled connections). Owns the per-event virtual threads.
 */
public final class EventRegistry {
    private final Map<Integer, RunningEvent> events = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(EventRegistry.class);

    private final long timeoutNanos;
    private final int maxEvents;
    private final AtomicLong overloaded = new AtomicLong();

    /**
     * @param timeout how long either side may stay silent before the event is ended
     * @param maxEvents events running at once; more are ended at once with Kong's 503
     */
    public EventRegistry(Duration timeout, int maxEvents) {
        this.timeoutNanos = timeout.toNanos();
        this.maxEvents = maxEvents;
    }

    /**
     * Starts the handler of {@code phase} on a new virtual thread (after its read-ahead, if any); its
     * first PDK call (or "ret") answers {@code reply}. The caller has already registered the event on
     * the instance.
     */
    public void start(PluginInstance instance, Phase phase, Reply reply) {
        int id = nextId.incrementAndGet() & Integer.MAX_VALUE;
        if (events.size() >= maxEvents) {
            // Each event is a thread and its state: a peer that starts events faster than they end
            // (or abandons them) meets this bound, and the request fails closed instead.
            instance.endEvent();
            if (overloaded.getAndIncrement() % 1000 == 0) {
                LOG.warn(
                        "{} events are running, the limit (--max-events); {}.{} ended with 503 ({} so far)",
                        maxEvents,
                        instance.definition().name(),
                        phase.wireName(),
                        overloaded.get());
            }
            reply.result(Map.of(Protocol.KEY_EVENT_ID, id, Protocol.KEY_DATA, RunningEvent.failClosed(phase, 503)));
            return;
        }
        RunningEvent event = new RunningEvent(id, instance, phase, this, reply, instance.readAhead(phase));
        events.put(id, event);
        event.begin();
    }

    /** Runs the event's handler on a new virtual thread. */
    void launch(RunningEvent event) {
        Thread.ofVirtual().name(event.instanceName() + "#" + event.id).start(event::run);
    }

    /** Delivers a Step result (or a StepError text) to the event waiting for it. */
    public void step(long eventId, @Nullable Object data, @Nullable String error, Reply reply) {
        deliver(eventId, new Delivery(data, error, false), reply);
    }

    /**
     * Tells the event waiting for a Step that its result was refused while it was read; the PDK
     * call then throws, a {@link dev.kongjava.pluginserver.pdk.ServerBusyException} when {@code busy}.
     */
    public void refuse(long eventId, String reason, boolean busy, Reply reply) {
        deliver(eventId, new Delivery(null, reason, busy), reply);
    }

    private void deliver(long eventId, Delivery delivery, Reply reply) {
        RunningEvent event = events.get((int) eventId);
        if (event == null) {
            reply.error("no running event " + eventId + " (it ended or timed out)");
        } else if (!event.deliver(delivery, reply)) {
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
