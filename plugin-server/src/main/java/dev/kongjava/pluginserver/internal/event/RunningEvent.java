package dev.kongjava.pluginserver.internal.event;

import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.instance.PdkCall;
import dev.kongjava.pluginserver.internal.instance.Phases;
import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.pdk.Bridge;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.PdkException;
import dev.kongjava.pluginserver.pdk.ServerBusyException;
import dev.kongjava.pluginserver.plugin.Phase;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code HandleEvent}: the plugin's phase handler runs on its own virtual thread and each PDK
 * call is a hand-off with Kong. The plugin thread writes the callback straight into the reply of
 * the Kong request that is waiting (HandleEvent or the last Step, on whatever connection it came),
 * then parks until the next Step delivers Kong's result. Kong never sends a Step before it has our
 * answer, so at most one reply is ever pending.
 *
 * <p>When the handler reads ahead ({@link dev.kongjava.pluginserver.plugin.ReadAhead}), the
 * connection threads first answer HandleEvent and each Step with the next call read ahead, and
 * start the handler's thread only with the last answer: one hand-off per event, not one per call.
 */
final class RunningEvent implements Bridge {
    private static final Logger LOG = LoggerFactory.getLogger(RunningEvent.class);
    private static final Object ABANDONED = new Object();

    enum State {
        RUNNING_PLUGIN,
        WAITING_FOR_KONG,
        ENDED
    }

    final int id;
    private final PluginInstance instance;
    private final Phase phase;
    private final EventRegistry registry;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING_PLUGIN);
    private final AtomicReference<Reply> pendingReply;
    private final AtomicBoolean released = new AtomicBoolean();
    private final LinkedTransferQueue<Object> inbox = new LinkedTransferQueue<>();
    /** Null when the handler reads nothing ahead. */
    private final @Nullable ReadAheadAnswers readAhead;

    private volatile long sinceNanos = System.nanoTime();
    private volatile @Nullable String endReason;
    private volatile @Nullable Thread thread;

    RunningEvent(
            int id,
            PluginInstance instance,
            Phase phase,
            EventRegistry registry,
            Reply firstReply,
            List<PdkCall> readAhead) {
        this.id = id;
        this.instance = instance;
        this.phase = phase;
        this.registry = registry;
        this.pendingReply = new AtomicReference<>(firstReply);
        this.readAhead = readAhead.isEmpty() ? null : new ReadAheadAnswers(readAhead);
    }

    /** Starts the handler's thread, or first asks Kong for what the handler reads ahead. */
    void begin() {
        PdkCall first = readAhead == null ? null : readAhead.next();
        if (first == null) {
            registry.launch(this);
        } else {
            ask(pendingReply.getAndSet(null), first);
        }
    }

    /** Answers the waiting Kong request with a call read ahead; its Step comes to {@link #deliver}. */
    private void ask(Reply reply, PdkCall call) {
        sinceNanos = System.nanoTime();
        state.set(State.WAITING_FOR_KONG);
        reply.result(eventData(callback(call.method(), call.args())));
    }

    /** Body of the event's virtual thread. */
    void run() {
        thread = Thread.currentThread();
        try {
            Phases.run(phase, instance.handler(), Kong.over(this));
            finish(Protocol.RET);
        } catch (Throwable t) {
            if (state.get() != State.ENDED) {
                LOG.error(
                        "unhandled exception in {}.{} on instance #{}",
                        instance.definition().name(),
                        phase.wireName(),
                        instance.id(),
                        t);
            }
            finish(failClosed());
        }
    }

    /**
     * In access and rewrite Kong would go on and proxy the request; an auth plugin that crashed must
     * not let it through, so the request ends with Kong's own 500 instead.
     */
    private Object failClosed() {
        return failClosed(phase, 500);
    }

    /** The last callback of an event that cannot go on: Kong's error {@code status} where Kong would proxy. */
    static Object failClosed(Phase phase, int status) {
        return phase == Phase.ACCESS || phase == Phase.REWRITE
                ? callback("kong.response.error", new Object[] {status})
                : Protocol.RET;
    }

    @Override
    public @Nullable Object call(String method, @Nullable Object... args) {
        Object[] wireArgs = PdkCall.checkArgs(method, args);
        if (readAhead != null) {
            Delivery answer = readAhead.take(method, wireArgs);
            if (answer != null) {
                return outcome(method, answer);
            }
            readAhead.release(); // the handler now calls Kong itself
        }
        Reply reply = pendingReply.getAndSet(null);
        if (reply == null) {
            throw new PdkException(method, endReason == null ? "the event is over" : endReason);
        }
        if (Protocol.TERMINAL_METHODS.contains(method)) {
            // Kong abandons the handler after these: nothing will answer, so the event ends now.
            release("the event already ended with " + method);
            reply.result(eventData(callback(method, wireArgs)));
            return null;
        }
        sinceNanos = System.nanoTime();
        state.set(State.WAITING_FOR_KONG);
        reply.result(eventData(callback(method, wireArgs)));
        Object next;
        try {
            next = inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdkException(method, "interrupted while waiting for Kong");
        }
        if (next == ABANDONED) {
            throw new PdkException(method, endReason == null ? "the event is over" : endReason);
        }
        return outcome(method, (Delivery) next);
    }

    private static @Nullable Object outcome(String method, Delivery delivery) {
        if (delivery.error() != null) {
            throw delivery.busy()
                    ? new ServerBusyException(method, delivery.error())
                    : new PdkException(method, delivery.error());
        }
        return delivery.data();
    }

    /**
     * A Step from Kong; false when the event is not waiting for one (then Kong gets an error). While
     * reading ahead it is answered here, on the connection's thread, with the next call.
     */
    boolean deliver(Delivery delivery, Reply reply) {
        if (!state.compareAndSet(State.WAITING_FOR_KONG, State.RUNNING_PLUGIN)) {
            return false;
        }
        sinceNanos = System.nanoTime();
        if (readAhead != null && readAhead.next() != null) {
            readAhead.store(delivery, reply.retain());
            PdkCall next = readAhead.next();
            if (next != null) {
                ask(reply, next);
                return true;
            }
            pendingReply.set(reply);
            registry.launch(this);
            return true;
        }
        pendingReply.set(reply);
        inbox.offer(delivery);
        return true;
    }

    /**
     * Ends the event if it made no progress for {@code timeoutNanos}, whichever side is stuck. Never
     * writes to a socket itself, so it cannot block.
     */
    void expireIfStale(long now, long timeoutNanos) {
        if (now - sinceNanos < timeoutNanos) {
            return;
        }
        String who = instanceName() + " on instance #" + instance.id();
        if (state.compareAndSet(State.WAITING_FOR_KONG, State.ENDED)) {
            release("Kong sent no result for event " + id + " within " + timeoutNanos / 1_000_000 + " ms");
            inbox.offer(ABANDONED);
            LOG.warn("event {} of {} abandoned: Kong sent no Step within {} ms", id, who, timeoutNanos / 1_000_000);
        } else if (state.get() == State.RUNNING_PLUGIN) {
            Reply reply = pendingReply.getAndSet(null);
            if (reply != null) {
                release("the plugin did not answer Kong within " + timeoutNanos / 1_000_000 + " ms");
                LOG.warn(
                        "event {} of {} timed out: the plugin did not answer within {} ms",
                        id,
                        who,
                        timeoutNanos / 1_000_000);
                // Not on the caller's (the housekeeper's) thread: a peer that stops reading would stall it.
                Object answer = eventData(failClosed());
                Thread.ofVirtual().name("timeout-reply-" + id).start(() -> reply.result(answer));
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            }
        }
    }

    State state() {
        return Objects.requireNonNull(state.get(), "set to a state at every change");
    }

    /** e.g. {@code kafka-upstream.access}, for thread names and logs. */
    String instanceName() {
        return instance.definition().name() + "." + phase.wireName();
    }

    private void finish(Object data) {
        Reply reply = pendingReply.getAndSet(null);
        release("the event is over");
        if (reply != null) {
            reply.result(eventData(data));
        }
    }

    /** Marks the event ended and frees it, exactly once. */
    private void release(String reason) {
        if (endReason == null) {
            endReason = reason;
        }
        state.set(State.ENDED);
        if (readAhead != null) {
            readAhead.release();
        }
        if (released.compareAndSet(false, true)) {
            registry.remove(this);
            instance.endEvent();
        }
    }

    private Map<String, Object> eventData(Object data) {
        return Map.of(Protocol.KEY_EVENT_ID, id, Protocol.KEY_DATA, data);
    }

    private static Map<String, Object> callback(String method, Object[] args) {
        return Map.of(Protocol.KEY_METHOD, method, Protocol.KEY_ARGS, args);
    }
}
