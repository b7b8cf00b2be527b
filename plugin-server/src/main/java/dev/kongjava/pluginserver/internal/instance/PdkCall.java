package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.ReadAhead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One PDK call as it goes to Kong: the function's Lua path and its arguments. */
public record PdkCall(String method, Object[] args) {
    /** True for the same function with equal arguments (a read-ahead answered this call). */
    public boolean matches(String otherMethod, Object[] otherArgs) {
        return method.equals(otherMethod) && Arrays.deepEquals(args, otherArgs);
    }

    /**
     * The calls {@code handler} reads ahead for each phase it has, recorded once per instance;
     * empty when it does not implement {@link ReadAhead}.
     *
     * @throws IllegalArgumentException when it reads ahead something that is not a getter, or too much
     */
    public static Map<Phase, List<PdkCall>> recordReadAhead(Object handler, List<Phase> phases) {
        Map<Phase, List<PdkCall>> byPhase = new EnumMap<>(Phase.class);
        if (!(handler instanceof ReadAhead readAhead)) {
            return byPhase;
        }
        for (Phase phase : phases) {
            List<PdkCall> calls = new ArrayList<>();
            readAhead.readAhead(phase, Kong.over((method, args) -> {
                if (!method.substring(method.lastIndexOf('.') + 1).startsWith("get_")) {
                    throw new IllegalArgumentException("read-ahead of " + phase.wireName() + " calls " + method
                            + ", which is not a getter (kong.<module>.get_*)");
                }
                calls.add(new PdkCall(method, checkArgs(method, args)));
                return null;
            }));
            if (calls.size() > ReadAhead.MAX_CALLS) {
                throw new IllegalArgumentException("read-ahead of " + phase.wireName() + " makes " + calls.size()
                        + " calls, more than " + ReadAhead.MAX_CALLS);
            }
            if (!calls.isEmpty()) {
                byPhase.put(phase, List.copyOf(calls));
            }
        }
        return byPhase;
    }

    /**
     * Kong calls {@code method(unpack(Args))}: a nil in the middle may cut off every later argument
     * (docs/protocol.md §4.4), so refuse it here; trailing nils are simply dropped.
     */
    public static Object[] checkArgs(String method, Object[] args) {
        int length = args.length;
        while (length > 0 && args[length - 1] == null) {
            length--;
        }
        for (int i = 0; i < length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException(method + ": argument " + (i + 1)
                        + " is null but later arguments are not; Kong would drop them");
            }
        }
        return length == args.length ? args : Arrays.copyOf(args, length);
    }
}
