package dev.kongjava.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines that start a main class of the test's own class path in a new JVM (same java binary). */
public final class JavaProcess {
    private JavaProcess() {}

    /** The java binary running this JVM. */
    public static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The test class path (surefire/failsafe put it in a property when they use a manifest-only jar). */
    public static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> <mainClass> <args…>}. */
    public static List<String> command(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                javaBinary(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                classPath(),
                mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
