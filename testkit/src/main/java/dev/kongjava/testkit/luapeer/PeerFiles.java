package dev.kongjava.testkit.luapeer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Best-effort file helpers for logs and prefixes: diagnostics must never hide the real failure. */
final class PeerFiles {
    private PeerFiles() {}

    /** The file's text, "" when it is missing or unreadable; non-UTF-8 bytes are kept as Latin-1. */
    static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                return "";
            }
        }
    }

    /** The last {@code lines} lines of {@code s}. */
    static String tail(String s, int lines) {
        List<String> all = s.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
