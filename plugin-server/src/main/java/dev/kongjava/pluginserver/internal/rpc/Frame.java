package dev.kongjava.pluginserver.internal.rpc;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The bookkeeping of one message while it is decoded and until it is answered: where it starts on
 * the stream (for the wire-size limit), the memory its decoded values take (estimated, for the
 * per-message limit) and what it holds of the server-wide {@link InFlightBudget}.
 *
 * <p>When a limit is hit the message is <em>refused</em>, not the connection: what was taken is
 * given back at once and the rest of the message is read without keeping it (see
 * {@link MsgpackCodec}), so the stream stays in step and the request can still be answered.
 */
final class Frame {
    private final long start;
    private final long maxWireBytes;
    private final long maxDecodedBytes;
    private final InFlightBudget budget;
    private final AtomicBoolean released = new AtomicBoolean();
    private long reserved;
    private long decoded;
    private @Nullable String refusal;
    private boolean overBudget;

    /**
     * @param start the stream position of the message's first byte
     * @param maxWireBytes the largest message on the wire ({@code --max-message-size})
     */
    Frame(long start, long maxWireBytes, InFlightBudget budget) {
        this.start = start;
        this.maxWireBytes = maxWireBytes;
        // a body of exactly the wire limit must fit, with room for the values around it
        this.maxDecodedBytes = maxWireBytes > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxWireBytes;
        this.budget = budget;
    }

    long start() {
        return start;
    }

    long maxWireBytes() {
        return maxWireBytes;
    }

    /** True once the message was refused: from then on its values are read and dropped. */
    boolean refused() {
        return refusal != null;
    }

    /** Why the message was refused, for the answer to Kong; null when it was not. */
    @Nullable
    String refusal() {
        return refusal;
    }

    /** True when the refusal came from the server-wide budget (the request may succeed later). */
    boolean overBudget() {
        return overBudget;
    }

    /**
     * Accounts {@code bytes} of memory a decoded value takes; false (and the message refused) when
     * the message or the server-wide budget cannot take it. {@code large} marks a payload that
     * may only use the budget up to its headroom.
     */
    boolean take(long bytes, boolean large) {
        if (refused()) {
            return false;
        }
        if (decoded + bytes > maxDecodedBytes) {
            refuse(
                    "the message decodes to more than " + maxDecodedBytes
                            + " bytes of memory (twice --max-message-size)",
                    false);
            return false;
        }
        if (!budget.tryReserve(bytes, large)) {
            refuse(
                    "the plugin server holds " + budget.used() + " bytes of requests not yet answered, its limit is "
                            + budget.total() + " bytes (--max-bytes-in-flight); try again later",
                    true);
            return false;
        }
        decoded += bytes;
        reserved += bytes;
        return true;
    }

    private void refuse(String reason, boolean budgetFull) {
        refusal = reason;
        overBudget = budgetFull;
        release();
    }

    /** Gives back what the message holds of the budget; once, whoever calls first. */
    void release() {
        if (released.compareAndSet(false, true)) {
            budget.release(reserved);
        }
    }
}
