package dev.kongjava.examples.tagger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example's kong-config/kong.conf: its settings, and its commands as a test runs them, with this
 * machine's java, the built jar and a temporary socket in place of the installed paths.
 */
final class TaggerKongConf {
    /** The tests run in the module directory (Maven's default working directory). */
    static final Path FILE = Path.of("kong-config/kong.conf");

    private final Map<String, String> settings;

    private TaggerKongConf(Map<String, String> settings) {
        this.settings = settings;
    }

    /** Reads {@code key = value} lines as Kong does: a {@code #} starts a comment, blank lines are skipped. */
    static TaggerKongConf read() {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(FILE)) {
                String content = line.replaceAll("(?<!\\\\)#.*$", "").strip();
                if (content.isEmpty()) {
                    continue;
                }
                int eq = content.indexOf('=');
                if (eq < 0
                        || settings.put(
                                        content.substring(0, eq).strip(),
                                        content.substring(eq + 1).strip())
                                != null) {
                    throw new IllegalStateException(FILE + ": not a key = value line, or a key set twice: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TaggerKongConf(settings);
    }

    Map<String, String> settings() {
        return settings;
    }

    /** A comma-separated setting ({@code plugins}, {@code pluginserver_names}) as a list. */
    List<String> list(String key) {
        return List.of(settings.get(key).split("\\s*,\\s*"));
    }

    /** {@code pluginserver_<server>_<setting>}, the server name spelled with '_' for '-' as Kong does. */
    String server(String server, String setting) {
        return settings.get("pluginserver_" + server.replace('-', '_') + "_" + setting);
    }

    /** The words of a server's {@code start_cmd} or {@code query_cmd}. */
    List<String> words(String server, String command) {
        return List.of(server(server, command).split("\\s+"));
    }

    /**
     * A server's command with {@code java}, {@code jar} and {@code socket} in place of the conf's
     * java binary (the first word), the conf's jar (after {@code -jar}) and the conf's socket.
     */
    List<String> localCommand(String server, String command, String java, Path jar, Path socket) {
        List<String> words = new ArrayList<>(words(server, command));
        String installedJar = words.get(words.indexOf("-jar") + 1);
        String installedSocket = server(server, "socket");
        words.replaceAll(
                w -> w.equals(installedJar) ? jar.toString() : w.equals(installedSocket) ? socket.toString() : w);
        words.set(0, java);
        return words;
    }
}
