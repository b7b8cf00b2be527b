package dev.kongjava.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What one event did, seen from Kong: the PDK calls the plugin made, how the event ended
 * ({@code kong.response.exit}/{@code error}, {@code "ret"}, an RPC error, or a Kong-side raise) and
 * how many RPCs it took.
 *
 * @param calls the PDK calls in order, each a method name with its arguments
 * @param exitMethod "kong.response.exit" or "kong.response.error" when the event ended with one, else null
 * @param exitStatus the status of that call, else null
 * @param exitBody its body as bytes (a map body is JSON-encoded as Kong does), else null
 * @param exitHeaders its headers, else an empty map
 * @param rpcError the error string of an RPC reply that ended the event, else null
 * @param aborted true when a Kong function raised, so Kong sent no Step (Kong answers 500)
 * @param rpcCount RPCs of this event: HandleEvent plus every Step (plus restarts, if any)
 * @param restarts how often "no plugin instance" made Kong restart the instance and rerun
 */
public record Exchange(
        List<Call> calls,
        String exitMethod,
        Integer exitStatus,
        byte[] exitBody,
        Map<String, Object> exitHeaders,
        String rpcError,
        boolean aborted,
        int rpcCount,
        int restarts) {

    /** One PDK call the plugin made. */
    public record Call(String method, List<Object> args) {}

    /** The exit body as UTF-8 text. */
    public String exitBodyText() {
        return exitBody == null ? null : new String(exitBody, StandardCharsets.UTF_8);
    }

    /** True when the handler returned normally ({@code "ret"}) without ending the request. */
    public boolean returned() {
        return exitMethod == null && rpcError == null && !aborted;
    }

    /** The method names of {@link #calls()}, for compact assertions. */
    public List<String> methods() {
        return calls.stream().map(Call::method).toList();
    }
}
