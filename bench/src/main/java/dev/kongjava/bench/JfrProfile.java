package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Profile evidence without async-profiler: a JFR recording of a running server taken with
 * {@code jcmd <pid> JFR.start/JFR.stop}, summarised as CPU samples by code area, the hottest frames,
 * inclusive shares of our own methods, and allocation per request.
 */
final class JfrProfile {
    /** Code areas, matched against the top frame of each sample, first match wins. */
    private static final Map<String, String> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("sun.nio.ch.", "socket I/O (JDK NIO, incl. syscalls)");
        AREAS.put("org.msgpack.", "MessagePack encode/decode (msgpack-java)");
        AREAS.put("dev.kongjava.pluginserver.internal.rpc.MsgpackCodec", "MessagePack encode/decode (MsgpackCodec)");
        AREAS.put("org.apache.kafka.", "kafka-clients (producer, sender thread)");
        AREAS.put("com.fasterxml.jackson.", "Jackson (envelope JSON, config)");
        AREAS.put("dev.kongjava.kafkaupstream.", "kafka-upstream plugin code");
        AREAS.put("dev.kongjava.", "plugin server code");
        AREAS.put("java.util.concurrent.", "thread hand-off and scheduling (j.u.c, ForkJoinPool)");
        AREAS.put("java.lang.VirtualThread", "thread hand-off and scheduling (j.u.c, ForkJoinPool)");
        AREAS.put("jdk.internal.misc.", "thread hand-off and scheduling (j.u.c, ForkJoinPool)");
        AREAS.put("java.lang.String", "strings and charsets");
        AREAS.put("sun.nio.cs.", "strings and charsets");
        AREAS.put("java.util.", "collections (java.util)");
    }

    /**
     * What the recording showed. Allocation per request comes from the heap summaries around each GC
     * (JFR's sample weights over-count with short-lived virtual threads); the allocation sites are
     * shares of the sampled weight.
     */
    record Summary(
            String title,
            long samples,
            Map<String, Double> areas,
            Map<String, Double> topSelf,
            Map<String, Double> ourInclusive,
            double allocatedBytesPerRequest,
            Map<String, Double> topAllocations) {}

    private JfrProfile() {}

    static void start(long pid, Path file) throws IOException {
        jcmd(pid, List.of("JFR.start", "name=bench", "settings=profile", "filename=" + file));
    }

    static void stop(long pid) throws IOException {
        jcmd(pid, List.of("JFR.stop", "name=bench"));
    }

    private static void jcmd(long pid, List<String> args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        cmd.addAll(args);
        Path logs = Path.of(System.getProperty("java.io.tmpdir"));
        try (Child c = Child.start("jcmd-" + pid, cmd, logs, Map.of())) {
            if (c.await(Duration.ofSeconds(60)) != 0) {
                throw new IOException("jcmd " + args + " failed: " + c.stdoutText() + Child.tail(c.stderr));
            }
        }
    }

    static Summary summarize(String title, Path file, long requests) throws IOException {
        Map<String, Long> areas = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> allocSites = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        long heapAllocated = 0;
        long lastAfterGc = -1;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.GCHeapSummary")) {
                // allocation between collections: heap used before this GC minus after the previous one
                long used = e.getLong("heapUsed");
                if (e.getString("when").equals("Before GC") && lastAfterGc >= 0) {
                    heapAllocated += used - lastAfterGc;
                } else if (e.getString("when").equals("After GC")) {
                    lastAfterGc = used;
                }
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                String top = name(st.getFrames().get(0));
                areas.merge(area(top), 1L, Long::sum);
                self.merge(top, 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : st.getFrames()) {
                    String n = name(f);
                    if (n.startsWith("dev.kongjava.") && seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocated += weight;
                allocSites.merge(
                        e.getClass("objectClass").getName() + " in "
                                + name(st.getFrames().get(0)) + " ← " + firstOwnFrame(st),
                        weight,
                        Long::sum);
            }
        }
        return new Summary(
                title,
                samples,
                share(areas, samples, 20),
                share(self, samples, 15),
                share(inclusive, samples, 20),
                requests == 0 ? 0 : (double) heapAllocated / requests,
                share(allocSites, Math.max(1, allocated), 10));
    }

    private static String firstOwnFrame(RecordedStackTrace st) {
        for (RecordedFrame f : st.getFrames()) {
            String n = name(f);
            if (n.startsWith("dev.kongjava.") || n.startsWith("org.apache.kafka.")) {
                return n;
            }
        }
        return name(st.getFrames().get(0));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String area(String frame) {
        for (Map.Entry<String, String> a : AREAS.entrySet()) {
            if (frame.startsWith(a.getKey())) {
                return a.getValue();
            }
        }
        return "other JDK and JVM code";
    }

    /** The {@code limit} largest counts as percentages of {@code total}. */
    private static Map<String, Double> share(Map<String, Long> counts, long total, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> 100.0 * e.getValue() / Math.max(1, total),
                        (a, b) -> a,
                        LinkedHashMap::new));
    }
}
