package dev.kongjava.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Creation and recursive deletion of temporary directories, for the harness, tests, demo and bench. */
public final class TempDirs {
    private TempDirs() {}

    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory " + prefix + "*", e);
        }
    }

    /** Deletes {@code dir} and everything below it; a missing directory is fine, anything else that fails throws. */
    public static void deleteRecursively(Path dir) {
        try {
            for (Path path : deepestFirst(dir)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /**
     * Deletes {@code dir} and everything below it, skipping what cannot be deleted: for cleanups
     * where a leftover file must not hide a test's own failure. Null or missing is fine.
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            for (Path path : deepestFirst(dir)) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort, see above
                }
            }
        } catch (IOException ignored) {
            // best effort, see above
        }
    }

    /** Deletes {@code dir} when the JVM exits, for material shared by all tests of a JVM. */
    public static void deleteOnExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete " + dir.getFileName()));
    }

    private static List<Path> deepestFirst(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.sorted(Comparator.reverseOrder()).toList();
        }
    }
}
