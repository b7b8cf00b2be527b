package dev.kongjava.pluginserver.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.pdk.Kong;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginDefinitionTest {
    static final class Both implements AccessPhase, LogPhase {
        @Override
        public void access(Kong kong) {}

        @Override
        public void log(Kong kong) {}
    }

    @Test
    void phasesComeFromTheHandlersInterfacesInKongsOrder() {
        PluginDefinition<?> d = PluginDefinition.builder("both")
                .handler(Both.class, ctx -> new Both())
                .build();
        assertEquals(List.of(Phase.ACCESS, Phase.LOG), d.phases());
        assertEquals(
                List.of("certificate", "rewrite", "access", "response", "preread", "log"),
                java.util.Arrays.stream(Phase.values()).map(Phase::wireName).toList());
    }

    @Test
    void everyProblemOfADefinitionIsReportedAtOnce() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> PluginDefinition.builder("Bad Name")
                        .version("1.2.3.4")
                        .protocols("http", "smtp")
                        .handler(String.class, ctx -> "")
                        .build());
        assertEquals(
                "invalid plugin definition Bad Name: name 'Bad Name' must be lower-case letters, digits, '-' or '_'; "
                        + "version '1.2.3.4' must be x, x.y or x.y.z (Kong 3.x rejects others); unknown protocol 'smtp', Kong knows "
                        + "[grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss]; handler java.lang.String implements no phase interface "
                        + "(AccessPhase, LogPhase, …)",
                e.getMessage());
    }

    @Test
    void aDefinitionWithoutHandlerIsRefused() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> PluginDefinition.builder("x").build());
        assertEquals("invalid plugin definition x: no handler: call handler(type, factory)", e.getMessage());
    }
}
