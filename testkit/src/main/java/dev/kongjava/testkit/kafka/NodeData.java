package dev.kongjava.testkit.kafka;

import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The root directory of a broker's or cluster's data, and whether closing deletes it. */
record NodeData(Path root, boolean temporary) implements AutoCloseable {

    /** Uses {@code chosen} (created if missing, kept on close) or else a new temporary directory. */
    static NodeData of(Path chosen, String tempPrefix) {
        if (chosen == null) {
            return new NodeData(TempDirs.create(tempPrefix), true);
        }
        try {
            return new NodeData(Files.createDirectories(chosen), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + chosen, e);
        }
    }

    @Override
    public void close() {
        if (temporary) {
            TempDirs.deleteRecursively(root);
        }
    }
}
