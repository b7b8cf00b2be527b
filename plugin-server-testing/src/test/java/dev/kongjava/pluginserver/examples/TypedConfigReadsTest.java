package dev.kongjava.pluginserver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A plugin reads its config through the config record's accessors, so a misspelt or mistyped read
 * is a compile error, not a failure of some request: shown by compiling reads of
 * {@link HelloPlugin.Config} with the JDK's compiler.
 */
class TypedConfigReadsTest {
    @TempDir
    static Path classes;

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

    /** The diagnostic codes of compiling {@code method} in a class beside HelloPlugin. */
    private static List<String> errors(String method) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String source = "package dev.kongjava.pluginserver.examples;\nclass Reads {\n    " + method + "\n}\n";
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
