package dev.kongjava.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Request bodies of an exact size: a JSON document, the usual payload of an HTTP-to-Kafka API. */
final class Bodies {
    private Bodies() {}

    /** {@code {"id":12345,"note":"xxxx…"}} padded to exactly {@code size} bytes. */
    static byte[] json(int size) {
        String head = "{\"id\":12345,\"event\":\"order.created\",\"note\":\"";
        String tail = "\"}";
        int pad = size - head.length() - tail.length();
        if (pad < 0) {
            throw new IllegalArgumentException("body size " + size + " is too small");
        }
        StringBuilder sb = new StringBuilder(size).append(head);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ";
        for (int i = 0; i < pad; i++) {
            sb.append(alphabet.charAt((i * 7) % alphabet.length()));
        }
        byte[] bytes = sb.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != size) {
            throw new IllegalStateException("body of " + bytes.length + " bytes, wanted " + size);
        }
        return bytes;
    }

    static Path write(Path dir, int size) throws IOException {
        Path file = dir.resolve("body-" + size + ".json");
        Files.write(file, json(size));
        return file;
    }

    static String label(int size) {
        return size % 1024 == 0 ? size / 1024 + " KB" : size + " B";
    }
}
