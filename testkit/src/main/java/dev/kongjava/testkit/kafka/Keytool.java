package dev.kongjava.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code keytool} of the JDK this JVM runs on, several invocations side by side. */
final class Keytool {
    private static final long TIMEOUT_SECONDS = 60;
    // keytool is a short-lived JVM: C1 only and the serial collector halve its start-up time.
    private static final List<String> FAST_JVM = List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC");

    private final Path executable = Path.of(System.getProperty("java.home"), "bin", "keytool");
    private final Path workDir;

    Keytool(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts every invocation at once and waits for all; any failure fails the whole call. */
    void runAll(List<List<String>> invocations) {
        List<Process> processes = new ArrayList<>();
        try {
            for (List<String> args : invocations) {
                processes.add(start(args));
            }
            for (int i = 0; i < processes.size(); i++) {
                await(processes.get(i), invocations.get(i));
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    private Process start(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(FAST_JVM);
        command.addAll(args);
        try {
            return new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        }
    }

    private static void await(Process process, List<String> args) {
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "keytool " + args.getFirst() + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed with exit code "
                        + process.exitValue() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keytool output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for keytool", e);
        }
    }
}
