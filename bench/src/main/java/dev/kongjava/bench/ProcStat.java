package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads /proc: resident memory, CPU time, child processes, the load average. */
final class ProcStat {
    /** USER_HZ: /proc/&lt;pid&gt;/stat counts CPU time in 1/100 s on Linux. */
    private static final long TICK_MS = 10;

    private ProcStat() {}

    /** VmRSS of a process in KiB, or -1 when it is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU time of one process (all its threads), in milliseconds; 0 when gone. */
    static long cpuMillis(long pid) {
        String[] f = statFields(pid);
        return f == null ? 0 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS;
    }

    /** CPU time of a process and of its direct children (nginx master and workers). */
    static long cpuMillisWithChildren(long pid) {
        long sum = cpuMillis(pid);
        for (long child : children(pid)) {
            sum += cpuMillis(child);
        }
        return sum;
    }

    static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d+"))
                    .forEach(n -> {
                        String[] f = statFields(Long.parseLong(n));
                        if (f != null && Long.parseLong(f[1]) == pid) {
                            out.add(Long.parseLong(n));
                        }
                    });
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Fields after the command name: [0] = state, [1] = ppid, [11] = utime, [12] = stime. */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Total CPU time of the whole machine (all processes, all cores) in milliseconds, from /proc/stat. */
    static long machineBusyMillis() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) { // user nice system irq softirq (guest is in user)
                busy += Long.parseLong(f[i]);
            }
            return busy * TICK_MS;
        } catch (IOException e) {
            return 0;
        }
    }
}
