package dev.kongjava.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped files under test: kong-config/, docker/ and the built jar, found from the checkout root. */
public final class RepoFiles {
    /** YAML (kong.yml, compose.yml) as a Jackson tree. */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static final ObjectMapper JSON = new ObjectMapper();

    private RepoFiles() {}

    /** The checkout root: -Drepo.root from the pom, else the parent of the module directory. */
    public static Path root() {
        String configured = System.getProperty("repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + relative, e);
        }
    }

    /** The runnable jar `mvn package` writes (the shade plugin's finalName in plugin-kafka-upstream/pom.xml). */
    public static Path builtJar() {
        return path("plugin-kafka-upstream/target/kafka-upstream.jar");
    }

    /**
     * The {@code key = value} lines of a kong.conf file, comments and blank lines dropped, in order.
     * Kong's own parser does the same (a {@code #} starts a comment unless escaped).
     */
    public static Map<String, String> kongConf(String relative) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : read(relative).split("\n")) {
            String content = line.replaceAll("(?<!\\\\)#.*$", "").strip();
            if (content.isEmpty()) {
                continue;
            }
            int eq = content.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(relative + ": not a key = value line: " + line);
            }
            String key = content.substring(0, eq).strip();
            if (keys.put(key, content.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(relative + ": " + key + " is set twice");
            }
        }
        return keys;
    }

    /** One curl call of an example script: its URL and its {@code --data}/{@code --form} values. */
    public record CurlCall(String function, String url, List<String> data) {}

    private static final Pattern FUNCTION = Pattern.compile("(?m)^([a-z_]+)\\(\\) \\{\\n(.*?)^}", Pattern.DOTALL);
    private static final Pattern URL = Pattern.compile("\"\\$ADMIN(/[^\"]*)\"");
    private static final Pattern DATA = Pattern.compile("--(?:data|form) \"([^\"]*)\"");

    /** The curl calls of each shell function of a script such as kong-config/admin-api.sh. */
    public static List<CurlCall> curlCalls(String relative) {
        String script = read(relative).replace("\\\n", " ");
        List<CurlCall> calls = new ArrayList<>();
        Matcher function = FUNCTION.matcher(script);
        while (function.find()) {
            for (String line : function.group(2).split("\n")) {
                if (!line.strip().startsWith("curl ")) {
                    continue;
                }
                Matcher url = URL.matcher(line);
                if (!url.find()) {
                    throw new IllegalArgumentException(relative + ": curl without \"$ADMIN/...\": " + line);
                }
                List<String> data = new ArrayList<>();
                Matcher d = DATA.matcher(line);
                while (d.find()) {
                    data.add(d.group(1));
                }
                calls.add(new CurlCall(function.group(1), url.group(1), List.copyOf(data)));
            }
        }
        return calls;
    }
}
