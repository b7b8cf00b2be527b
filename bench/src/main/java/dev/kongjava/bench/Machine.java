package dev.kongjava.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.AppInfoParser;

/** Facts about the machine and the versions of everything measured, plus the load while it ran. */
final class Machine {
    private final List<Double> loads = new ArrayList<>();
    private Thread sampler;
    final String othersAtStart;

    Machine() {
        othersAtStart = command(List.of("ps", "-eo", "pid,pcpu,rss,etime,comm", "--sort=-pcpu"))
                .lines()
                .limit(12)
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** Samples the 1-minute load average every 10 s until {@link #stopSampling()}. */
    void startSampling() {
        sampler = Thread.ofPlatform().daemon().name("loadavg").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (loads) {
                    loads.add(ProcStat.loadAverage());
                }
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void stopSampling() {
        if (sampler != null) {
            sampler.interrupt();
        }
    }

    /** {first, mean, max, last} of the sampled 1-minute load averages. */
    double[] load() {
        synchronized (loads) {
            if (loads.isEmpty()) {
                return new double[] {0, 0, 0, 0};
            }
            double mean =
                    loads.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double max = loads.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return new double[] {loads.get(0), mean, max, loads.get(loads.size() - 1)};
        }
    }

    Map<String, String> facts(Env env, GitState git) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(
                "Date",
                ZonedDateTime.now(ZoneId.systemDefault())
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .replaceAll("\\.\\d+", ""));
        f.put("Mode", env.quick() ? "quick (smoke run, not for comparison)" : "full");
        String extra = System.getenv("BENCH_SERVER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            f.put("Experiment", "servers ran with extra JVM options " + extra + " (not the product's defaults)");
        }
        f.put("CPU", cpuModel() + ", nproc " + Runtime.getRuntime().availableProcessors());
        f.put("RAM", memTotal());
        f.put("Kernel", command(List.of("uname", "-sr")).trim());
        f.put("OS", osName());
        f.put("Git commit", git.describe());
        return f;
    }

    Map<String, String> versions(Env env) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(
                "JDK (all Java processes)",
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        v.put("Kafka (broker, kafka-clients, ProducerPerformance)", AppInfoParser.getVersion());
        v.put("nginx", command(List.of("nginx", "-v")).trim().replace("nginx version: ", ""));
        v.put(
                "lua-nginx-module",
                command(List.of("dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-http-lua"))
                        .trim());
        v.put(
                "wrk",
                command(List.of("wrk", "-v")).lines().findFirst().orElse("?").trim());
        v.put("node", command(List.of("node", "--version")).trim());
        v.put("kong-pdk (npm)", packageVersion(env, "kong-pdk"));
        v.put("kafkajs (npm)", packageVersion(env, "kafkajs"));
        return v;
    }

    private static String packageVersion(Env env, String name) {
        try {
            String json = Files.readString(
                    env.nodeDir().resolve("node_modules").resolve(name).resolve("package.json"));
            var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(json);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "not installed";
        }
    }

    private static String cpuModel() {
        return grep("/proc/cpuinfo", "model name").replaceFirst("model name\\s*:\\s*", "");
    }

    private static String memTotal() {
        String line = grep("/proc/meminfo", "MemTotal");
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
    }

    private static String osName() {
        return grep("/etc/os-release", "PRETTY_NAME")
                .replaceFirst("PRETTY_NAME=", "")
                .replace("\"", "");
    }

    private static String grep(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** Absolute path of a program on PATH. */
    static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return program;
    }

    /** Output (stdout and stderr) of a short command, or "?" when it cannot run. */
    static String command(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
