package dev.kongjava.pluginserver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.pluginserver.testing.CompileCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plugin reads its config through the config record's accessors, so a misspelt or mistyped read
 * is a compile error, not a failure of some request: shown by compiling reads of
 * {@link HelloPlugin.Config} with the JDK's compiler.
 */
class TypedConfigReadsTest {
    @Test
    void aCorrectReadCompiles() {
        assertEquals(List.of(), errors("String read(HelloPlugin.Config c) { return c.greeting(); }"));
    }

    @Test
    void aMisspeltFieldDoesNotCompile() {
        assertEquals(
                List.of("compiler.err.cant.resolve.location.args"),
                errors("String read(HelloPlugin.Config c) { return c.greting(); }"));
    }

    @Test
    void aMistypedReadDoesNotCompile() {
        assertEquals(
                List.of("compiler.err.prob.found.req"),
                errors("int read(HelloPlugin.Config c) { return c.greeting(); }"));
    }

    private static List<String> errors(String method) {
        return CompileCheck.errors(HelloPlugin.class.getPackageName(), method);
    }
}
