package dev.kongjava.pluginserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles a snippet with the JDK's compiler against the test's class path, so a test can show
 * that a misspelt or mistyped read of a plugin's config record does not compile (where a read by
 * string key compiled and failed only when an instance started):
 *
 * <pre>{@code
 * assertEquals(List.of("compiler.err.cant.resolve.location.args"),
 *         CompileCheck.errors("com.example", "String read(HelloConfig c) { return c.greting(); }"));
 * }</pre>
 */
public final class CompileCheck {
    private CompileCheck() {}

    /**
     * The javac diagnostic codes of the errors in a class of package {@code packageName} holding
     * {@code member} (a method or field declaration); empty when it compiles. Package-private types
     * of that package are visible to it, as to a class beside them.
     */
    public static List<String> errors(String packageName, String member) {
        String source = "package " + packageName + ";\nclass Reads {\n    " + member + "\n}\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Reads.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        // surefire and failsafe run tests from a manifest-only jar: their property holds the real path
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path classes = temporaryDirectory();
        try {
            compiler.getTask(
                            null,
                            null,
                            diagnostics,
                            List.of("-proc:none", "-d", classes.toString(), "-classpath", classPath),
                            null,
                            List.of(file))
                    .call();
        } finally {
            delete(classes);
        }
        List<String> codes = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                codes.add(d.getCode());
            }
        }
        return codes;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("compile-check");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
