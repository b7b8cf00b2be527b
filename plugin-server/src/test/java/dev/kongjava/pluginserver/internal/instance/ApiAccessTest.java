package dev.kongjava.pluginserver.internal.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerHook;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.LenMin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every member ApiAccess finds by name is found, and its result and exceptions come through unchanged. */
class ApiAccessTest {
    record Greeting(@Default("Hello") @LenMin(1) String word) {}

    static final class Handler implements AccessPhase {
        final Greeting config;

        Handler(Greeting config) {
            this.config = config;
        }

        @Override
        public void access(Kong kong) {}
    }

    private static final ServerHook HOOK = flags -> () -> {};
    private static final PluginDefinition<Greeting> HELLO = PluginDefinition.builder("hello")
            .config(Greeting.class)
            .onServerStart(HOOK)
            .handler(Handler.class, ctx -> new Handler(ctx.config()))
            .build();

    @Test
    void theFactoryMakesTheDeclaredHandler() throws Exception {
        Object handler =
                ApiAccess.factory(HELLO).create(new StartContext<>(7, "hello", new Greeting("Hi"), Map.of(), null));
        assertEquals(new Greeting("Hi"), ((Handler) handler).config);
    }

    @Test
    void theServerHookIsTheDeclaredOneOrNull() {
        assertSame(HOOK, ApiAccess.serverHook(HELLO));
        assertNull(ApiAccess.serverHook(PluginDefinition.builder("plain")
                .handler(Handler.class, ctx -> new Handler(null))
                .build()));
    }

    @Test
    void parseAppliesDefaultsAndBindMakesTheRecord() {
        assertEquals(
                new Greeting("Hello"), ApiAccess.bind(HELLO.schema(), ApiAccess.parse(HELLO.schema(), "hello", "{}")));
    }

    @Test
    void anInvalidConfigThrowsTheSchemasOwnConfigException() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ApiAccess.parse(HELLO.schema(), "hello", "{\"word\":\"\"}"));
        assertEquals(
                "Invalid value \"\" for configuration word of plugin hello: length must be at least 1", e.getMessage());
    }

    @Test
    void unknownKeysAreThoseThatAreNeitherFieldsNorAddedByKong() {
        assertEquals(
                List.of("extra"),
                ApiAccess.unknownKeys(HELLO.schema(), "hello", "{\"word\":\"Hi\",\"extra\":1,\"route_id\":\"r\"}"));
    }

    @Test
    void theKongSchemaIsTheDumpsSubSchema() {
        assertEquals(
                Map.of(
                        "name",
                        "hello",
                        "fields",
                        List.of(Map.of(
                                "config",
                                Map.of(
                                        "type",
                                        "record",
                                        "fields",
                                        List.of(Map.of(
                                                "word",
                                                Map.of("type", "string", "default", "Hello", "len_min", 1))))))),
                ApiAccess.kongSchema(HELLO.schema(), "hello", List.of()));
    }
}
