package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.pdk.Kong;

/**
 * Optional for a handler whose phase begins with PDK reads known before any request arrives (from
 * its config). The server then makes those reads itself, on the thread that reads Kong's
 * connection, and starts the handler only once Kong has answered them all; the handler's identical
 * calls return the answers at once. Kong sees the same calls in the same order; what is saved is
 * the hand-off to the event's virtual thread and back for each of them.
 *
 * <pre>{@code
 * final class Handler implements AccessPhase, ReadAhead {
 *     public void readAhead(Phase phase, Kong kong) {
 *         kong.request().getHeader("content-type");
 *         kong.request().getRawBody();
 *     }
 *
 *     public void access(Kong kong) {
 *         String type = kong.request().getHeader("content-type"); // answered from the read-ahead
 *         byte[] body = kong.request().getRawBody();              // likewise
 *         ...
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ReadAhead {
    /** Most calls one phase may read ahead. */
    int MAX_CALLS = 16;

    /**
     * Makes on {@code kong} the getter calls ({@code kong.<module>.get_*}) the handler of {@code phase}
     * begins with, in its order. Called once per instance and phase when the instance starts, with a
     * {@code kong} that only records the calls (each returns nil, so an empty value). When the handler
     * then makes a call other than the next recorded one, the remaining answers are dropped and its
     * calls go to Kong as usual. Answers stay charged to the server's in-flight budget until the
     * handler's first call that goes to Kong.
     */
    void readAhead(Phase phase, Kong kong);
}
