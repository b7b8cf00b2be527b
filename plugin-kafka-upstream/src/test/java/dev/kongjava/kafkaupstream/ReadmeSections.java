package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.pluginserver.server.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README parts that are generated from the code and the shipped files, so they cannot drift:
 * the settings table (from the schema), the {@code --help} text, the example plugin's source, and
 * the kong.conf lines, kong.yml, Admin API calls and compose commands the packaging tests check.
 * {@code scripts/update-readme.sh} runs {@link #main} to rewrite them; {@code ReadmeTest} fails
 * when they are stale.
 */
public final class ReadmeSections {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getFileName().toString().equals("plugin-kafka-upstream")
            ? Path.of("..") : Path.of(".");
    static final Path README = ROOT.resolve("README.md");
    private static final Pattern SECTION = Pattern.compile(
            "(<!-- generated:([a-z-]+) start -->\n)(.*?)(<!-- generated:\\2 end -->)", Pattern.DOTALL);

    private ReadmeSections() {}

    /** Section name → its generated content. */
    static Map<String, String> generated() throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("settings", KafkaUpstreamSchema.SCHEMA.markdownTable());
        sections.put("help", "```\n" + Main.usage(KafkaUpstreamPlugin.definition()) + "```\n");
        Path example = ROOT.resolve("plugin-server/src/test/java/dev/kongjava/pluginserver/examples/HelloPlugin.java");
        sections.put("hello", "```java\n" + Files.readString(example, StandardCharsets.UTF_8) + "```\n");
        sections.put("kong-conf", "```ini\n" + kongConfLines() + "```\n");
        String yml = read("kong-config/kong.yml");
        sections.put("kong-yml", "```yaml\n" + yml.substring(yml.indexOf("_format_version")) + "```\n");
        sections.put("admin-api", "```sh\nADMIN=http://localhost:8001\n" + adminApiPlaintext() + "```\n");
        String compose = read("docker/README.md");
        int start = compose.indexOf("```sh\n");
        sections.put("compose", compose.substring(start, compose.indexOf("```\n", start + 6) + 4));
        return sections;
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
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
        for (String line : script.substring(start, script.indexOf("\n}\n", start)).split("\n")) {
            out.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        return out.toString();
    }

    /** The README's current content of each generated section. */
    static Map<String, String> current(String readme) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(readme);
        while (m.find()) {
            sections.put(m.group(2), m.group(3));
        }
        return sections;
    }

    /** Rewrites the generated sections of README.md in place. */
    public static void main(String[] args) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Map<String, String> fresh = generated();
        Matcher m = SECTION.matcher(readme);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String content = fresh.getOrDefault(m.group(2), m.group(3));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + content + m.group(4)));
        }
        m.appendTail(out);
        Files.writeString(README, out.toString(), StandardCharsets.UTF_8);
        System.out.println("updated " + README.toAbsolutePath().normalize() + ": " + fresh.keySet());
    }
}
