package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (fixed threads, connections and duration; POST of a body file) and parses its report. */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(\\w+),");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** What one wrk run reported. */
    record Report(
            double rps,
            long requests,
            long non2xx,
            long socketErrors,
            double p50Ms,
            double p99Ms,
            long wrkCpuMillis,
            String text) {}

    private Wrk() {}

    /** Writes the Lua script that POSTs {@code body} as application/json. */
    static Path script(Path dir, Path body) throws IOException {
        Path script = dir.resolve(body.getFileName().toString().replace(".json", ".lua"));
        Files.writeString(script, """
                local f = assert(io.open("%s", "rb"))
                wrk.body = f:read("*a")
                f:close()
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                """.formatted(body));
        return script;
    }

    /**
     * Runs wrk to the end and parses its report. wrk runs under a small shell that prints its own
     * /proc stat after wrk is reaped: the children's CPU time fields then hold wrk's CPU time.
     */
    static Report run(Env env, Path script, String url, int seconds, String logName) throws IOException {
        List<String> cmd = List.of(
                "sh",
                "-c",
                "wrk \"$@\"; code=$?; s=$(cat /proc/$$/stat); echo \"WRKSTAT $s\"; exit $code",
                "sh",
                "-t2",
                "-c" + env.connections(),
                "-d" + seconds + "s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                url);
        try (Child wrk = Child.start(logName, cmd, env.logs(), Map.of())) {
            int code = wrk.await(Duration.ofSeconds(seconds + 60));
            String out = wrk.stdoutText();
            if (code != 0) {
                throw new IOException("wrk failed (" + code + "): " + out + Child.tail(wrk.stderr));
            }
            return parse(out, childCpuMillis(out));
        }
    }

    /** cutime + cstime of the wrapping shell, in milliseconds. */
    private static long childCpuMillis(String out) {
        Matcher m = Pattern.compile("WRKSTAT (.*)").matcher(out);
        if (!m.find()) {
            return 0;
        }
        String stat = m.group(1);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
    }

    static Report parse(String out, long wrkCpuMillis) throws IOException {
        Matcher rps = RPS.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rps.find() || !total.find()) {
            throw new IOException("cannot read wrk's report: " + out);
        }
        Matcher non2xx = NON2XX.matcher(out);
        Matcher errors = ERRORS.matcher(out);
        long socketErrors = 0;
        if (errors.find()) {
            for (int i = 1; i <= 4; i++) {
                socketErrors += Long.parseLong(errors.group(i));
            }
        }
        return new Report(
                Double.parseDouble(rps.group(1)),
                Long.parseLong(total.group(1)),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                socketErrors,
                percentile(out, "50%"),
                percentile(out, "99%"),
                wrkCpuMillis,
                out);
    }

    /** A line of the latency distribution, e.g. {@code 99%    3.45ms}, in milliseconds. */
    private static double percentile(String out, String label) throws IOException {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)")
                .matcher(out);
        if (!m.find()) {
            throw new IOException("no " + label + " latency in wrk's report: " + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
