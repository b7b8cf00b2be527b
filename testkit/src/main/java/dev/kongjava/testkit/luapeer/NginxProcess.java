package dev.kongjava.testkit.luapeer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The nginx process of a peer ({@code nginx -p <prefix> -c conf/nginx.conf}, {@code daemon off}):
 * its output files, its logs for failure messages, and a graceful stop.
 */
final class NginxProcess {
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path prefix;

    private NginxProcess(Process process, Path prefix) {
        this.process = process;
        this.prefix = prefix;
    }

    /** Starts nginx on an already written prefix; stdout and stderr go to {@code logs/}. */
    static NginxProcess launch(Path nginx, Path prefix) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(nginx.toString(), "-p", prefix + "/", "-c", "conf/nginx.conf");
        pb.directory(prefix.toFile());
        pb.redirectOutput(prefix.resolve("logs/nginx.stdout").toFile());
        pb.redirectError(prefix.resolve("logs/nginx.stderr").toFile());
        return new NginxProcess(pb.start(), prefix);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** What nginx printed on stderr (startup errors, query command stderr). */
    String stderr() {
        return PeerFiles.readQuietly(prefix.resolve("logs/nginx.stderr"));
    }

    /** nginx's error log. */
    String errorLog() {
        return PeerFiles.readQuietly(prefix.resolve("logs/error.log"));
    }

    /** True when nginx exited because the listen port was taken meanwhile. */
    boolean portWasInUse() {
        return stderr().contains("Address already in use") || errorLog().contains("Address already in use");
    }

    /** {@code headline}, then nginx's stderr and the tail of its error log. */
    String failure(String headline) {
        return headline
                + "\n--- nginx stderr ---\n" + stderr().strip()
                + "\n--- error.log (tail) ---\n"
                + PeerFiles.tail(errorLog(), LOG_TAIL_LINES).strip();
    }

    /**
     * SIGQUIT (graceful: workers finish their requests), then SIGKILL after {@code timeout}. Workers
     * are collected first because a killed master's workers are re-parented and would linger.
     */
    void stop(Duration timeout) {
        List<ProcessHandle> workers = process.descendants().toList();
        try {
            if (process.isAlive()) {
                signal("QUIT");
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            for (ProcessHandle w : workers) {
                if (w.isAlive()) {
                    w.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Process offers only TERM and KILL; nginx's graceful stop is QUIT, so use kill(1). */
    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            k.getInputStream().readAllBytes();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
