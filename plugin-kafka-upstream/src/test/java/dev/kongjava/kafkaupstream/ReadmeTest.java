package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README shows what the code does: its generated sections equal what the code generates now,
 * and every test it cites as evidence (Guarantees, threat model) exists under that name.
 */
class ReadmeTest {
    /** {@code SomethingIT} or {@code SomethingTest}, optionally {@code .methodName}. */
    private static final Pattern CITED_TEST = Pattern.compile("\\b([A-Z][A-Za-z0-9]*(?:IT|Test))\\b(?:\\.(?!java\\b)([a-z][A-Za-z0-9_]*))?");

    @Test
    void theGeneratedReadmeSectionsAreCurrent() throws Exception {
        Map<String, String> readme = ReadmeSections.current(Files.readString(ReadmeSections.README, StandardCharsets.UTF_8));
        Map<String, String> fresh = ReadmeSections.generated();
        assertEquals(fresh.keySet(), readme.keySet(), "README sections");
        for (Map.Entry<String, String> section : fresh.entrySet()) {
            assertEquals(section.getValue(), readme.get(section.getKey()),
                    "README section '" + section.getKey() + "' is stale: run scripts/update-readme.sh");
        }
    }

    @Test
    void everyTestTheReadmeCitesExistsWithThatName() throws Exception {
        Map<String, String> sources = testSources();
        String readme = Files.readString(ReadmeSections.README, StandardCharsets.UTF_8);
        Matcher m = CITED_TEST.matcher(readme);
        List<String> missing = new ArrayList<>();
        int methods = 0;
        while (m.find()) {
            String source = sources.get(m.group(1));
            if (source == null) {
                missing.add(m.group(1));
            } else if (m.group(2) != null) {
                methods++;
                if (!Pattern.compile("void " + m.group(2) + "\\(").matcher(source).find()) {
                    missing.add(m.group(1) + "." + m.group(2));
                }
            }
        }
        assertEquals(List.of(), missing, "tests the README cites that do not exist");
        assertTrue(methods >= 30, "the README's guarantees cite their tests; found " + methods);
    }

    /** Simple class name → source text of every test class in the repository. */
    private static Map<String, String> testSources() throws IOException {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(ReadmeSections.ROOT)) {
            for (Path f : files.filter(f -> f.toString().contains("/src/test/java/") && f.toString().endsWith(".java"))
                    .toList()) {
                sources.put(f.getFileName().toString().replace(".java", ""), Files.readString(f));
            }
        }
        return sources;
    }
}
