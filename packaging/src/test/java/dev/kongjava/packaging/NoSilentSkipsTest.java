package dev.kongjava.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A test that cannot run skips only through the testkit's {@code Prerequisites}, which
 * {@code .ci/run}'s {@code -Dkongjava.requireAll=true} turns into a failure; JUnit's own
 * assumptions would skip silently in CI, so no test source may use them.
 */
class NoSilentSkipsTest {
    @Test
    void noTestSourceUsesJUnitAssumptionsOrDisabledAnnotations() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(RepoFiles.root())) {
            offenders = files.filter(
                            p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/"))
                    .filter(p -> !p.toString().contains("/target/")
                            && !p.getFileName().toString().equals("NoSilentSkipsTest.java"))
                    .filter(NoSilentSkipsTest::skipsByItself)
                    .map(p -> RepoFiles.root().relativize(p).toString())
                    .sorted()
                    .toList();
        }
        assertEquals(List.of(), offenders, "use Prerequisites.require(...) instead");
    }

    private static boolean skipsByItself(Path file) {
        try {
            String text = Files.readString(file);
            return text.contains("org.junit.jupiter.api.Assumptions")
                    || text.contains("@Disabled")
                    || text.contains("disabledWithoutDocker")
                    || text.contains("@EnabledIf")
                    || text.contains("@DisabledIf");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
