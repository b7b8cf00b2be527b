package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/*.md show what the code does: their generated sections equal what the code
 * generates now, each in the document {@link ReadmeSections#FILES} names, and every test they cite
 * as evidence (guarantees, threat model) exists under that name.
 */
class ReadmeTest {
    /** {@code SomethingIT} or {@code SomethingTest}, optionally {@code .methodName}. */
    private static final Pattern CITED_TEST =
            Pattern.compile("\\b([A-Z][A-Za-z0-9]*(?:IT|Test))\\b(?:\\.(?!java\\b)([a-z][A-Za-z0-9_]*))?");

    @Test
    void theGeneratedReadmeSectionsAreCurrent() throws Exception {
        Map<String, String> fresh = ReadmeSections.generated();
        Set<String> everywhere = new HashSet<>();
        for (Path document : ReadmeSections.documents()) {
            Map<String, String> shown = ReadmeSections.current(Files.readString(document, StandardCharsets.UTF_8));
            assertEquals(ReadmeSections.assignedTo(document), shown.keySet(), "generated sections of " + document);
            everywhere.addAll(shown.keySet());
            for (Map.Entry<String, String> section : shown.entrySet()) {
                assertEquals(
                        fresh.get(section.getKey()),
                        section.getValue(),
                        "section '" + section.getKey() + "' of " + document
                                + " is stale: run scripts/update-readme.sh");
            }
        }
        assertEquals(fresh.keySet(), everywhere, "generated sections in README.md and docs/*.md");
    }

    @Test
    void everyTestTheReadmeCitesExistsWithThatName() throws Exception {
        Map<String, String> sources = testSources();
        List<String> missing = new ArrayList<>();
        int methods = 0;
        for (Path document : ReadmeSections.documents()) {
            Matcher m = CITED_TEST.matcher(Files.readString(document, StandardCharsets.UTF_8));
            while (m.find()) {
                String source = sources.get(m.group(1));
                if (source == null) {
                    missing.add(document.getFileName() + ": " + m.group(1));
                } else if (m.group(2) != null) {
                    methods++;
                    if (!Pattern.compile("void " + m.group(2) + "\\(")
                            .matcher(source)
                            .find()) {
                        missing.add(document.getFileName() + ": " + m.group(1) + "." + m.group(2));
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "tests the README and docs/*.md cite that do not exist");
        assertTrue(methods >= 30, "the guarantees cite their tests; found " + methods);
    }

    /** Simple class name → source text of every test class in the repository. */
    private static Map<String, String> testSources() throws IOException {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(ReadmeSections.ROOT)) {
            for (Path f : files.filter(f -> f.toString().contains("/src/test/java/")
                            && f.toString().endsWith(".java"))
                    .toList()) {
                sources.put(f.getFileName().toString().replace(".java", ""), Files.readString(f));
            }
        }
        return sources;
    }
}
