package dev.kongjava.pluginserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ReadAhead;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.LenMin;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalInstanceTest {
    record Greeting(@Default("Hello") @LenMin(1) String word) {}

    /** Greets the caller by name and records its closes. */
    static final class Greeter implements AccessPhase, AutoCloseable {
        static final List<String> CLOSED = new ArrayList<>();
        final Greeting config;

        Greeter(Greeting config) {
            this.config = config;
        }

        @Override
        public void access(Kong kong) {
            kong.response().exit(200, config.word() + ", " + kong.request().getHeader("x-name"));
        }

        @Override
        public void close() {
            CLOSED.add(config.word());
        }
    }

    static final PluginDefinition<Greeting> HELLO = PluginDefinition.builder("hello")
            .config(Greeting.class)
            .handler(Greeter.class, ctx -> new Greeter(ctx.config()))
            .build();

    @Test
    void anInstanceGetsItsValidatedConfigAndRunsItsPhaseOverTheTestsBridge() throws Exception {
        List<String> calls = new ArrayList<>();
        try (LocalInstance<Greeting> hello = LocalInstance.start(HELLO, "{}")) {
            assertEquals(new Greeting("Hello"), hello.config());
            hello.run(Phase.ACCESS, (method, args) -> {
                calls.add(method + List.of(args));
                return method.equals("kong.request.get_header") ? "Ann" : null;
            });
        }
        assertEquals(List.of("kong.request.get_header[x-name]", "kong.response.exit[200, Hello, Ann]"), calls);
    }

    @Test
    void aConfigStartInstanceRefusesIsRefusedWithTheSameMessage() {
        ConfigException e = assertThrows(ConfigException.class, () -> LocalInstance.start(HELLO, "{\"word\":\"\"}"));
        assertEquals(
                "Invalid value \"\" for configuration word of plugin hello: length must be at least 1", e.getMessage());
    }

    @Test
    void aPhaseThePluginDoesNotHandleIsRefused() throws Exception {
        try (LocalInstance<Greeting> hello = LocalInstance.start(HELLO, "{}")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> hello.run(Phase.LOG, (method, args) -> null));
            assertEquals("plugin hello does not handle event log", e.getMessage());
        }
    }

    @Test
    void closingTheInstanceClosesItsHandler() throws Exception {
        LocalInstance.start(HELLO, "{\"word\":\"Bye\"}").close();
        assertEquals(
                List.of("Bye"), Greeter.CLOSED.stream().filter("Bye"::equals).toList());
    }

    /** Reads ahead a call that is not a getter, which StartInstance refuses. */
    static final class BadReadAhead implements AccessPhase, ReadAhead {
        @Override
        public void access(Kong kong) {}

        @Override
        public void readAhead(Phase phase, Kong kong) {
            kong.response().setStatus(200);
        }
    }

    @Test
    void aReadAheadThatIsNotOneFailsTheStartAsStartInstanceDoes() {
        PluginDefinition<?> bad = PluginDefinition.builder("bad")
                .handler(BadReadAhead.class, ctx -> new BadReadAhead())
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalInstance.start(bad, "{}"));
        assertEquals(
                "read-ahead of access calls kong.response.set_status, which is not a getter (kong.<module>.get_*)",
                e.getMessage());
    }

    record Salutation(String word) {}

    static final PluginDefinition<Greeting> SERVICED = PluginDefinition.builder("serviced")
            .config(Greeting.class)
            .handler(
                    Greeter.class,
                    ctx -> new Greeter(
                            new Greeting(ctx.service(Salutation.class).word())))
            .build();

    @Test
    void theServiceAHookWouldMakeReachesTheFactoryAndWithoutOneTheFactoryIsToldSo() throws Exception {
        try (LocalInstance<Greeting> hello = LocalInstance.start(SERVICED, "{}", new Salutation("Howdy"))) {
            assertEquals("Howdy", ((Greeter) hello.handler()).config.word());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalInstance.start(SERVICED, "{}"));
        assertEquals(
                "plugin serviced has no server service of type " + Salutation.class.getName()
                        + " (its server hook returned none)",
                e.getMessage());
    }
}
