package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.pluginserver.server.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parts of the README and of docs/*.md that are generated from the code and the shipped files,
 * so they cannot drift: the settings table (from the schema), the {@code --help} text, the example
 * plugin's source and its test, and the kong.conf lines, kong.yml, Admin API calls and compose
 * commands the packaging tests check. {@link #FILES} says which document holds each section.
 * {@code scripts/update-readme.sh} runs {@link #main} to rewrite them; {@code ReadmeTest} fails
 * when they are stale or in another document than {@link #FILES} says.
 */
public final class ReadmeSections {
    static final Path ROOT =
            Path.of(System.getProperty("user.dir")).getFileName().toString().equals("plugin-kafka-upstream")
                    ? Path.of("..")
                    : Path.of(".");
    static final Path README = ROOT.resolve("README.md");
    /** The example plugin the PDK guide shows whole. */
    static final String HELLO_PLUGIN =
            "plugin-server-testing/src/test/java/dev/kongjava/pluginserver/examples/HelloPlugin.java";
    /** Its test; the guide shows the region between the {@code // readme:hello-test} markers. */
    static final String HELLO_PLUGIN_IT =
            "plugin-server-testing/src/test/java/dev/kongjava/pluginserver/examples/HelloPluginIT.java";
    /** Section name → the document (relative to the repository root) that holds it. */
    static final Map<String, String> FILES = files();

    private static final Pattern SECTION =
            Pattern.compile("(<!-- generated:([a-z-]+) start -->\n)(.*?)(<!-- generated:\\2 end -->)", Pattern.DOTALL);

    private ReadmeSections() {}

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("kong-conf", "README.md");
        files.put("admin-api", "README.md");
        files.put("kong-yml", "README.md");
        files.put("compose", "README.md");
        files.put("settings", "docs/settings.md");
        files.put("help", "docs/operations.md");
        files.put("hello", "docs/pdk-guide.md");
        files.put("hello-test", "docs/pdk-guide.md");
        return files;
    }

    /** Section name → its generated content. */
    static Map<String, String> generated() throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("settings", KafkaUpstreamSchema.SCHEMA.markdownTable());
        sections.put("help", "```\n" + Main.usage(KafkaUpstreamPlugin.definition()) + "```\n");
        sections.put("hello", "```java\n" + read(HELLO_PLUGIN) + "```\n");
        sections.put("hello-test", "```java\n" + helloTest() + "```\n");
        sections.put("kong-conf", "```ini\n" + kongConfLines() + "```\n");
        String yml = read("kong-config/kong.yml");
        sections.put("kong-yml", "```yaml\n" + yml.substring(yml.indexOf("_format_version")) + "```\n");
        sections.put("admin-api", "```sh\nADMIN=http://localhost:8001\n" + adminApiPlaintext() + "```\n");
        String compose = read("docker/README.md");
        int start = compose.indexOf("```sh\n");
        sections.put("compose", compose.substring(start, compose.indexOf("```\n", start + 6) + 4));
        return sections;
    }

    /** The documents that may hold generated sections: README.md and every docs/*.md. */
    static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** The names {@link #FILES} assigns to {@code document}. */
    static Set<String> assignedTo(Path document) {
        Set<String> names = new LinkedHashSet<>();
        FILES.forEach((name, file) -> {
            if (ROOT.resolve(file).normalize().equals(document.normalize())) {
                names.add(name);
            }
        });
        return names;
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }

    /** The lines between the hello-test markers of HelloPluginIT, without their common indentation. */
    private static String helloTest() throws IOException {
        String source = read(HELLO_PLUGIN_IT);
        String startMarker = "// readme:hello-test start\n";
        int from = source.indexOf(startMarker);
        int to = source.indexOf("// readme:hello-test end");
        if (from < 0 || to < from) {
            throw new IllegalStateException(HELLO_PLUGIN_IT + " lacks the lines // readme:hello-test start and end");
        }
        String[] lines = source.substring(from + startMarker.length(), source.lastIndexOf('\n', to) + 1)
                .split("\n");
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    /** The settings of kong-config/kong.conf without its comments. */
    private static String kongConfLines() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : read("kong-config/kong.conf").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The calls of admin-api.sh's plaintext example, dedented. */
    private static String adminApiPlaintext() throws IOException {
        String script = read("kong-config/admin-api.sh");
        int start = script.indexOf("plaintext() {\n") + "plaintext() {\n".length();
        StringBuilder out = new StringBuilder();
        for (String line :
                script.substring(start, script.indexOf("\n}\n", start)).split("\n")) {
            out.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        return out.toString();
    }

    /** A document's current content of each generated section. */
    static Map<String, String> current(String document) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(document);
        while (m.find()) {
            sections.put(m.group(2), m.group(3));
        }
        return sections;
    }

    /** Rewrites the generated sections of each document {@link #FILES} names, in place. */
    public static void main(String[] args) throws IOException {
        Map<String, String> fresh = generated();
        for (String file : new LinkedHashSet<>(FILES.values())) {
            Path document = ROOT.resolve(file);
            Set<String> names = assignedTo(document);
            Matcher m = SECTION.matcher(Files.readString(document, StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String content = names.contains(m.group(2)) ? fresh.get(m.group(2)) : m.group(3);
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + content + m.group(4)));
            }
            m.appendTail(out);
            Files.writeString(document, out.toString(), StandardCharsets.UTF_8);
            System.out.println("updated " + document.toAbsolutePath().normalize() + ": " + names);
        }
    }
}
