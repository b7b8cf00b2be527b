package dev.kongjava.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU contention as a busy CI machine gives it: a separate process running busy loops at normal
 * priority on one core, so a process pinned to that core gets only its fair share of it. The
 * process ends when its standard input closes (the test JVM is gone) or after an hour at most.
 */
public final class CpuHog implements AutoCloseable {
    private static final Duration LIFETIME = Duration.ofHours(1);
    private final Process process;

    private CpuHog(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code loops} busy loops in a new JVM that may run on CPU {@code cpu} only ({@code taskset},
     * util-linux); returns once they spin. A process started under {@link #pin} {@code (cpu)} then
     * shares that one core with them, while they leave the other cores (a broker, the test) alone.
     */
    public static CpuHog onCpu(int cpu, int loops) throws IOException {
        List<String> command = new ArrayList<>(pin(cpu));
        command.addAll(JavaProcess.command(CpuHog.class, String.valueOf(loops)));
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        CpuHog hog = new CpuHog(process);
        // the first line says the loops run: a test then starts what it measures under full contention
        if (process.inputReader().readLine() == null) {
            hog.close();
            throw new IOException("the CPU hog exited at once with " + process.exitValue());
        }
        return hog;
    }

    /** The command prefix that runs a command on CPU {@code cpu} only. */
    public static List<String> pin(int cpu) {
        return List.of("taskset", "-c", String.valueOf(cpu));
    }

    public static void main(String[] args) throws IOException {
        int threads = Integer.parseInt(args[0]);
        long end = System.nanoTime() + LIFETIME.toNanos();
        for (int i = 0; i < threads; i++) {
            Thread.ofPlatform().daemon().name("hog-" + i).start(() -> spin(end));
        }
        System.out.println("spinning " + threads);
        System.out.flush();
        while (System.in.read() >= 0) {
            // nothing is sent on stdin: end of input means the parent is gone
        }
    }

    private static void spin(long end) {
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7; // work the JIT cannot drop
            if (x == 42) {
                System.out.print("");
            }
        }
        System.exit(0);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
