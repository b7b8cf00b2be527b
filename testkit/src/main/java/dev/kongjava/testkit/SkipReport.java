package dev.kongjava.testkit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists every skipped test and why on the console once a test JVM has run its tests. Surefire and
 * failsafe write what tests print to per-class files (redirectTestOutputToFile) but copy the test
 * JVM's own stderr to Maven's console, so this goes to the process's stderr, not System.err.
 * Registered for every module's tests through META-INF/services.
 */
public final class SkipReport implements TestExecutionListener {
    private final List<String> skipped = new CopyOnWriteArrayList<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(name(test) + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (skipped.isEmpty()) {
            return;
        }
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        console.println("SKIPPED " + skipped.size() + (skipped.size() == 1 ? " test or class:" : " tests or classes:"));
        skipped.forEach(s -> console.println("SKIPPED   " + s));
        if (!Prerequisites.requireAll()) {
            console.println("SKIPPED   (with -D" + Prerequisites.REQUIRE_ALL + "=true, as .ci/run runs, a missing"
                    + " prerequisite fails instead)");
        }
    }

    private static String name(TestIdentifier test) {
        return test.getSource()
                .map(source -> switch (source) {
                    case MethodSource m -> simpleName(m.getClassName()) + "#" + m.getMethodName();
                    case ClassSource c -> simpleName(c.getClassName());
                    default -> test.getDisplayName();
                })
                .orElse(test.getDisplayName());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
