package dev.kongjava.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The HandleEvent/Step loop of Kong's bridge for one event. */
final class KongEventLoop {
    private final FakeKong kong;
    private final PdkAnswers answers;
    private final List<Exchange.Call> calls = new ArrayList<>();
    private int rpcs;

    KongEventLoop(FakeKong kong, PdkAnswers answers) {
        this.kong = kong;
        this.answers = answers;
    }

    Exchange run(int instanceId, String phase) {
        KongConnection.Reply reply = rpc("plugin.HandleEvent", Map.of("InstanceId", instanceId, "EventName", phase));
        if (!reply.ok()) {
            return end(null, String.valueOf(reply.error()), false);
        }
        Map<?, ?> result = (Map<?, ?>) reply.result();
        Object eventId = result.get("EventId");
        Object data = result.get("Data");
        while (!"ret".equals(data)) {
            Map<?, ?> callback = (Map<?, ?>) data;
            String method = String.valueOf(callback.get("Method"));
            List<Object> args = callback.get("Args") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
            calls.add(new Exchange.Call(method, args));
            PdkAnswers.Answer answer = answers.answer(method, args);
            if (answer instanceof PdkAnswers.Terminal t) {
                return end(t, null, false);
            }
            if (answer instanceof PdkAnswers.Raise) {
                return end(null, null, true);
            }
            PdkAnswers.Step step = (PdkAnswers.Step) answer;
            Map<String, Object> params = new HashMap<>();
            params.put("EventId", eventId);
            if (step.hasData()) {
                params.put("Data", step.data());
            }
            reply = rpc(step.stepMethod(), params);
            if (!reply.ok()) {
                return end(null, String.valueOf(reply.error()), false);
            }
            data = ((Map<?, ?>) reply.result()).get("Data");
        }
        return end(null, null, false);
    }

    private KongConnection.Reply rpc(String method, Map<String, Object> params) {
        rpcs++;
        return kong.call(method, params);
    }

    private Exchange end(PdkAnswers.Terminal t, String error, boolean aborted) {
        return new Exchange(
                List.copyOf(calls),
                t == null ? null : t.method(),
                t == null ? null : t.status(),
                t == null ? null : t.body(),
                t == null ? Map.of() : t.headers(),
                error,
                aborted,
                rpcs,
                0);
    }
}
