package dev.kongjava.bench;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr: {@code [12:03:04] part 2 …}. */
final class Log {
    private Log() {}

    static void info(String format, Object... args) {
        LocalTime now = LocalTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS);
        System.err.println("[" + now + "] " + String.format(format, args));
        System.err.flush();
    }
}
