package dev.kongjava.pluginserver.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module README's example is what HelloPluginIT runs, so it compiles and passes with every build. */
class ReadmeExampleTest {
    private static final String START = "// readme:hello-test start";
    private static final String END = "// readme:hello-test end";

    @Test
    void theReadmeExampleIsTheMarkedRegionOfHelloPluginIt() throws IOException {
        String test = Files.readString(
                Path.of("src/test/java/dev/kongjava/pluginserver/examples/HelloPluginIT.java"), StandardCharsets.UTF_8);
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int from = test.indexOf('\n', test.indexOf(START)) + 1;
        int to = test.lastIndexOf('\n', test.indexOf(END)) + 1;
        String region = dedent(test.substring(from, to));
        assertTrue(
                readme.contains("```java\n" + region + "```\n"), "README.md should show, as a java block:\n" + region);
    }

    /** The lines without the indentation of the first one (the region's code sits inside a method). */
    private static String dedent(String lines) {
        List<String> all = lines.lines().toList();
        int indent = all.get(0).length() - all.get(0).stripLeading().length();
        return all.stream()
                .map(line -> line.length() >= indent ? line.substring(indent) : line.strip())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
