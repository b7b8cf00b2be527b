package dev.kongjava.kafkaupstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Match;
import dev.kongjava.pluginserver.testing.CompileCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kafka-upstream reads its config through {@link ConfigFields}' accessors, so a misspelt or
 * mistyped read is a compile error (shown by compiling reads with the JDK's compiler), where a
 * read by string key compiled and failed only when an instance started; and a check across fields
 * that names no field stops the schema when it is defined.
 */
class ConfigReadsTest {
    @Test
    void aNestedReadCompiles() {
        assertEquals(List.of(), errors("String read(ConfigFields c) { return c.security().clientKeyPem(); }"));
    }

    @Test
    void aMisspeltNestedFieldDoesNotCompile() {
        assertEquals(
                List.of("compiler.err.cant.resolve.location.args"),
                errors("String read(ConfigFields c) { return c.security().clientKeyPen(); }"));
    }

    @Test
    void aMistypedReadDoesNotCompile() {
        assertEquals(
                List.of("compiler.err.prob.found.req"), errors("String read(ConfigFields c) { return c.timeout(); }"));
    }

    @Test
    void aChoiceIsAnEnumSoComparingItWithTextDoesNotCompile() {
        assertEquals(
                List.of("compiler.err.incomparable.types"),
                errors("boolean sasl(ConfigFields c) { return c.authentication().strategy() == \"sasl\"; }"));
    }

    @Test
    void aMisspeltReadByStringKeyCompiled() {
        // what the typed reads replace: this compiles and would fail only when an instance starts
        assertEquals(
                List.of(),
                errors("String read(dev.kongjava.pluginserver.schema.ConfigValues c) { "
                        + "return c.string(\"security.client_key_pen\"); }"));
    }

    @Test
    void aCheckNamingNoFieldStopsTheSchemaWhenItIsDefined() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder(ConfigFields.class)
                        .check(EntityCheck.conditional(
                                "security.client_key_pen", Match.required(), "security.ssl", Match.eq(true)))
                        .build());
        assertEquals(
                "invalid config schema: conditional names security.client_key_pen, which is not a config field",
                e.getMessage());
    }

    private static List<String> errors(String method) {
        return CompileCheck.errors(ConfigFields.class.getPackageName(), method);
    }
}
