package dev.kongjava.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What Linux's /proc says about another process: threads, open files, CPU time, TCP sockets. */
public final class ProcFs {
    private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private ProcFs() {}

    /** The names of the process's threads (at most 15 characters each, as the kernel keeps them). */
    public static List<String> threadNames(long pid) {
        List<String> names = new ArrayList<>();
        for (Path task : list(Path.of("/proc", Long.toString(pid), "task"))) {
            try {
                names.add(Files.readString(task.resolve("comm")).strip());
            } catch (IOException e) {
                // the thread ended meanwhile
            }
        }
        return names;
    }

    /** How many file descriptors the process holds. */
    public static int openFiles(long pid) {
        return list(Path.of("/proc", Long.toString(pid), "fd")).size();
    }

    /** User plus system CPU time the process used so far. */
    public static Duration cpuTime(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after "(comm)": state is field 3, utime 14, stime 15
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** Sockets the process holds whose local TCP port is {@code port}: a listener and what it accepted. */
    public static int tcpSocketsOnPort(long pid, int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : read(file).lines().skip(1).toList()) {
                String[] columns = line.strip().split("\\s+");
                String local = columns[1];
                if (Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
                    inodes.add(columns[9]);
                }
            }
        }
        int count = 0;
        for (Path fd : list(Path.of("/proc", Long.toString(pid), "fd"))) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    count++;
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return count;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " (has the process ended?)", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (has the process ended?)", e);
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture in use
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
