package dev.kongjava.kafkaupstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Match;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-upstream reads its config through {@link ConfigFields}' accessors, so a misspelt or
 * mistyped read is a compile error (shown by compiling reads with the JDK's compiler), where a
 * read by string key compiled and failed only when an instance started; and a check across fields
 * that names no field stops the schema when it is defined.
 */
class ConfigReadsTest {
    @TempDir
    static Path classes;

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

    /** The diagnostic codes of compiling {@code method} in a class beside ConfigFields. */
    private static List<String> errors(String method) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String source = "package " + ConfigFields.class.getPackageName() + ";\nclass Reads {\n    " + method + "\n}\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Reads.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        compiler.getTask(
                        null,
                        null,
                        diagnostics,
                        List.of("-proc:none", "-d", classes.toString(), "-classpath", classPath),
                        null,
                        List.of(file))
                .call();
        List<String> codes = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                codes.add(d.getCode());
            }
        }
        return codes;
    }
}
