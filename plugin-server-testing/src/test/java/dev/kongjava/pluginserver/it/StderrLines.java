package dev.kongjava.pluginserver.it;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replaces System.err (where the server logs) while open: lines are counted when they contain a
 * marker and otherwise dropped, so a test of 100,000 logged failures neither floods the build log
 * nor keeps it in memory.
 */
final class StderrLines implements AutoCloseable {
    private final PrintStream original = System.err;
    private final AtomicLong matches = new AtomicLong();
    private final String marker;
    private final StringBuilder line = new StringBuilder();
    /** The first matching lines, for tests that look at what a line says. */
    private final java.util.List<String> kept = new java.util.ArrayList<>();

    private StderrLines(String marker) {
        this.marker = marker;
    }

    static StderrLines capture(String marker) {
        StderrLines lines = new StderrLines(marker);
        System.setErr(new PrintStream(lines.sink(), true, StandardCharsets.UTF_8));
        return lines;
    }

    /** Lines seen so far that contain the marker. */
    long matches() {
        synchronized (line) {
            return matches.get();
        }
    }

    /** The first 100 lines that contain the marker. */
    java.util.List<String> lines() {
        synchronized (line) {
            return java.util.List.copyOf(kept);
        }
    }

    private OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (line) {
                    for (int i = off; i < off + len; i++) {
                        if (b[i] == '\n') {
                            if (line.indexOf(marker) >= 0) {
                                matches.incrementAndGet();
                                if (kept.size() < 100) {
                                    kept.add(line.toString());
                                }
                            }
                            line.setLength(0);
                        } else {
                            line.append((char) (b[i] & 0xff));
                        }
                    }
                }
            }
        };
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
