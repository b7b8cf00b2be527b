package dev.kongjava.kafkaupstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Reads record batches straight from a broker's log segment files, to see what consumers cannot (compression, producer id). */
final class LogSegments {
    private LogSegments() {}

    /** What a batch header says. */
    record Batch(CompressionType compression, long producerId, int records) {}

    static List<Batch> batches(Path dataDir, String topic, int partition) {
        List<Batch> batches = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            List<Path> segments = files.filter(p -> p.getParent() != null
                            && p.getParent().getFileName().toString().equals(topic + "-" + partition)
                            && p.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList();
            for (Path segment : segments) {
                try (FileRecords records = FileRecords.open(segment.toFile())) {
                    for (RecordBatch b : records.batches()) {
                        batches.add(new Batch(
                                b.compressionType(), b.producerId(), b.countOrNull() == null ? -1 : b.countOrNull()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batches;
    }
}
