package dev.kongjava.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr: {@code [12:03:04] part 2 …}. */
final class Log {
    private Log() {}

    static void info(String format, Object... args) {
        System.err.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + String.format(format, args));
        System.err.flush();
    }
}
