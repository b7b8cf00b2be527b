package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kongjava.pluginserver.FuzzValues;
import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.event.EventRegistry;
import dev.kongjava.pluginserver.internal.event.Reply;
import dev.kongjava.pluginserver.internal.instance.InstanceRegistry;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.LogPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sequences of well-framed requests with fuzzed methods and parameters, answered the way Kong
 * waits for them (one at a time), straight into the dispatcher and the event engine. Ids are taken
 * from earlier answers often enough to reach running events, Steps and closes.
 */
class DispatcherFuzzTest {
    private static final List<String> METHODS = List.of(
            Protocol.START_INSTANCE,
            Protocol.CLOSE_INSTANCE,
            Protocol.HANDLE_EVENT,
            Protocol.GET_PLUGIN_INFO,
            Protocol.GET_STATUS,
            Protocol.INSTANCE_STATUS,
            Protocol.STEP,
            Protocol.STEP_ERROR,
            Protocol.STEP_MULTI_MAP,
            "plugin.StepCredential",
            "plugin.Stepped",
            "plugin.Unknown");
    private static final List<String> CONFIGS = List.of(
            "{}",
            "{\"calls\":0,\"end\":\"ret\"}",
            "{\"calls\":3,\"end\":\"exit\"}",
            "{\"calls\":2,\"end\":\"throw\"}",
            "{\"calls\":9}",
            "{\"end\":\"nope\"}",
            "[]",
            "not json",
            "{\"calls\":1,\"end\":\"exit\",\"x\":{}}");
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(2);

    static final PluginDefinition<?> FUZZ = PluginDefinition.builder("fuzz")
            .version("1.0.0")
            .priority(1)
            .schema(ConfigSchema.builder()
                    .add(Field.integer("calls").defaultValue(1).between(0, 5))
                    .add(Field.string("end").defaultValue("exit").oneOf("exit", "ret", "throw"))
                    .build())
            .handler(FuzzHandler.class, ctx -> new FuzzHandler(ctx.config()))
            .build();

    /** Makes {@code calls} PDK calls, then exits, returns or throws as configured. */
    public static final class FuzzHandler implements AccessPhase, LogPhase {
        private final ConfigValues config;

        FuzzHandler(ConfigValues config) {
            this.config = config;
        }

        @Override
        public void access(Kong kong) {
            for (int i = 0; i < config.integer("calls"); i++) {
                kong.request().getHeader("x-" + i);
            }
            switch (config.string("end")) {
                case "exit" -> kong.response().exit(200, "ok");
                case "throw" -> throw new IllegalStateException("fuzz handler failure");
                default -> {}
            }
        }

        @Override
        public void log(Kong kong) {
            kong.request().getRawBody();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void everyRequestGetsExactlyOneAnswerNeverAnInternalErrorAndNoEventOutlivesTheTimeout(FuzzedDataProvider data)
            throws Exception {
        InstanceRegistry instances = new InstanceRegistry(Map.of(), 20_000, name -> null);
        EventRegistry events = new EventRegistry(Duration.ZERO, 10_000); // expires whatever is left when asked
        Map<String, PluginDefinition<?>> plugins = new LinkedHashMap<>(); // as PluginServer indexes them
        plugins.put("fuzz", FUZZ);
        RpcDispatcher dispatcher = new RpcDispatcher(
                plugins,
                instances,
                events,
                name -> "fuzz".equals(name) ? Map.of("Name", "fuzz") : null,
                () -> Map.of("Pid", 1L));
        Ids ids = new Ids();
        List<CountingReply> replies = new ArrayList<>();
        try {
            int requests = data.consumeInt(1, 16);
            for (int i = 0; i < requests && data.remainingBytes() > 0; i++) {
                String method = data.consumeBoolean() ? data.pickValue(METHODS) : data.consumeString(24);
                CountingReply reply = new CountingReply();
                replies.add(reply);
                dispatcher.dispatch(method, params(method, data, ids), reply);
                Object[] answer = answer(reply, events);
                if (answer[0] != null) {
                    assertFalse(((String) answer[0]).startsWith("internal error"), (String) answer[0]);
                } else {
                    assertNotNull(answer[1], "a result is never nil");
                }
                ids.learn(answer);
            }
        } finally {
            events.expireStale();
            instances.closeAll();
        }
        assertTrue(events.awaitIdle(ANSWER_BOUND), events.size() + " events outlived their timeout");
        for (CountingReply reply : replies) {
            assertEquals(1, reply.count.get(), "answers to one request");
        }
    }

    /** The answer, waiting for event threads; a silent plugin is ended by the event timeout. */
    private static Object[] answer(CountingReply reply, EventRegistry events) throws Exception {
        try {
            return reply.first.get(ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            events.expireStale();
            return reply.first.get(ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static List<?> params(String method, FuzzedDataProvider data, Ids ids) {
        if (data.consumeInt(0, 9) == 0) {
            return data.consumeBoolean() ? List.of() : Collections.singletonList(FuzzValues.value(data, 3));
        }
        Map<String, Object> p = new HashMap<>();
        switch (method) {
            case Protocol.START_INSTANCE -> {
                p.put(Protocol.KEY_NAME, data.consumeInt(0, 5) == 0 ? data.consumeString(8) : "fuzz");
                p.put(Protocol.KEY_CONFIG, data.consumeBoolean() ? data.pickValue(CONFIGS) : data.consumeString(64));
            }
            case Protocol.HANDLE_EVENT -> {
                p.put(Protocol.KEY_INSTANCE_ID, ids.instance(data));
                p.put(Protocol.KEY_EVENT_NAME, data.pickValue(List.of("access", "log", "rewrite", "", "ACCESS")));
            }
            case Protocol.CLOSE_INSTANCE, Protocol.INSTANCE_STATUS -> {
                return Collections.singletonList(ids.instance(data));
            }
            default -> {
                p.put(Protocol.KEY_EVENT_ID, ids.event(data));
                if (data.consumeBoolean()) {
                    p.put(Protocol.KEY_DATA, FuzzValues.value(data, 3));
                }
            }
        }
        if (data.consumeInt(0, 9) == 0) {
            p.put(data.consumeString(10), FuzzValues.value(data, 2));
        }
        return List.of(p);
    }

    /** Instance and event ids seen in answers, so later requests can name real ones. */
    private static final class Ids {
        final List<Object> instances = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        Object instance(FuzzedDataProvider data) {
            return instances.isEmpty() || data.consumeInt(0, 4) == 0 ? FuzzValues.id(data) : data.pickValue(instances);
        }

        Object event(FuzzedDataProvider data) {
            return events.isEmpty() || data.consumeInt(0, 4) == 0 ? FuzzValues.id(data) : data.pickValue(events);
        }

        void learn(Object[] answer) {
            if (answer[0] == null && answer[1] instanceof Map<?, ?> result) {
                addIfPresent(instances, result.get(Protocol.KEY_ID));
                addIfPresent(events, result.get(Protocol.KEY_EVENT_ID));
            }
        }

        private static void addIfPresent(List<Object> ids, Object id) {
            if (id != null) {
                ids.add(((Number) id).longValue()); // the wire would carry it as an integer
            }
        }
    }

    /** Counts answers; the first one completes {@link #first} as {error, result}. */
    private static final class CountingReply implements Reply {
        final AtomicInteger count = new AtomicInteger();
        final CompletableFuture<Object[]> first = new CompletableFuture<>();

        @Override
        public void result(Object value) {
            count.incrementAndGet();
            first.complete(new Object[] {null, value});
        }

        @Override
        public void error(String message) {
            count.incrementAndGet();
            first.complete(new Object[] {message, null});
        }
    }
}
