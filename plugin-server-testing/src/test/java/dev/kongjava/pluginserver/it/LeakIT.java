package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Many events ending each way an event can end, with config churn on the side: afterwards no event
 * is left, only the live instances exist, and the heap (used, after GC) has not grown. Event counts
 * are per ending (split over two workers each); {@code -Dleak.events=N} changes them (docs/fuzzing-and-soak.md).
 */
class LeakIT {
    private static final int EVENTS = Integer.getInteger("leak.events", 100_000);
    private static final int THREADS_PER_ENDING = 2;
    /** Abandoned events wait this long; short, but far above any scheduling delay of a loaded 2-core CI box. */
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(3);

    private static final int RECONFIGURE_EVERY = 1_000;
    private static final long HEAP_GROWTH_BOUND = 4L * 1024 * 1024;
    private static final String UNHANDLED = "unhandled exception in probe.access on instance #";

    /** One way an event ends, with the config and request that make it end that way. */
    private enum Ending {
        EXIT(
                "{\"mode\":\"header\"}",
                CannedRequest.get("/").header("x-probe", "v"),
                ex -> Integer.valueOf(200).equals(ex.exitStatus()) && "v".equals(ex.exitBodyText())),
        PLUGIN_EXCEPTION(
                "{\"mode\":\"throw\"}",
                CannedRequest.get("/"),
                ex -> "kong.response.error".equals(ex.exitMethod())
                        && Integer.valueOf(500).equals(ex.exitStatus())),
        ABANDONED_BY_KONG(
                "{\"mode\":\"header\"}", CannedRequest.get("/").raising("kong.request.get_header"), Exchange::aborted);

        final String config;
        final CannedRequest request;
        final Predicate<Exchange> expected;

        Ending(String config, CannedRequest request, Predicate<Exchange> expected) {
            this.config = config;
            this.request = request;
            this.expected = expected;
        }
    }

    @Test
    void eventsEndingInExitErrorAndAbandonmentLeaveNoEventNoExtraInstanceAndAStableHeap() throws Exception {
        // abandoned events pile up until their timeout faster than --max-events allows: this soak is
        // about what ended events leave behind, so the cap (InFlightBudgetIT's subject) is lifted
        try (TestServer s = TestServer.start(
                        o -> o.eventTimeout(EVENT_TIMEOUT).maxEvents(1_000_000), ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket());
                StderrLines log = StderrLines.capture(UNHANDLED)) {
            List<Worker> workers = workers(kong);
            run(workers, 2_000); // warm-up: JIT, pools, connection buffers
            awaitNoEvents(s);
            long before = usedHeapAfterGc();
            int closedBefore = ProbePlugin.closed.get();
            long loggedBefore = log.matches();

            long start = System.nanoTime();
            int reconfigured = run(workers, EVENTS);
            awaitNoEvents(s);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

            assertEquals(0, s.server().status().events(), "events left");
            assertEquals(3 * THREADS_PER_ENDING, s.server().status().instances(), "instances beyond the live ones");
            EventLifecycleIT.waitFor(() -> ProbePlugin.closed.get() - closedBefore == reconfigured);
            assertEquals(EVENTS, log.matches() - loggedBefore, "each plugin exception logged once");
            long growth = usedHeapAfterGc() - before;
            System.out.printf("LeakIT: 3 x %d events in %d s, heap growth %d KiB%n", EVENTS, seconds, growth / 1024);
            assertTrue(
                    growth < HEAP_GROWTH_BOUND,
                    "used heap grew by " + growth + " bytes over 3 x " + EVENTS + " events");
        }
    }

    /** One Kong worker's cached instance of one plugin config, reused by the warm-up and the measured run. */
    private record Worker(Ending ending, FakeKong.PluginConfig plugin, boolean churn) {}

    private static List<Worker> workers(FakeKong kong) {
        List<Worker> workers = new ArrayList<>();
        for (Ending ending : Ending.values()) {
            for (int t = 0; t < THREADS_PER_ENDING; t++) {
                workers.add(new Worker(ending, kong.plugin("probe", ending.config), ending == Ending.EXIT && t == 0));
            }
        }
        return workers;
    }

    /** Runs {@code perEnding} events of every ending, in parallel; returns how many configs were replaced. */
    private static int run(List<Worker> workers, int perEnding) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicInteger reconfigured = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Worker worker : workers) {
            int share = perEnding / THREADS_PER_ENDING;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    reconfigured.addAndGet(runOne(worker, share));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " workers failed", failures.get(0));
        }
        return reconfigured.get();
    }

    private static int runOne(Worker worker, int events) {
        int reconfigured = 0;
        for (int i = 1; i <= events; i++) {
            Exchange ex = worker.plugin.access(worker.ending.request);
            if (!worker.ending.expected.test(ex)) {
                throw new AssertionError(worker.ending + " event " + i + " ended as " + ex);
            }
            if (worker.churn && i % RECONFIGURE_EVERY == 0) {
                // Kong on a config change: a new instance for the next request, CloseInstance for the old one
                worker.plugin.reconfigure("{\"mode\":\"header\",\"calls\":" + (i / RECONFIGURE_EVERY % 2 + 1) + "}");
                reconfigured++;
            }
        }
        if (worker.churn && reconfigured > 0) {
            worker.plugin.access(worker.ending.request); // starts the successor, so the last old one is closed
        }
        return reconfigured;
    }

    private static void awaitNoEvents(TestServer s) throws InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.multipliedBy(5).toNanos();
        while (s.server().status().events() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        s.server().status().events() + " events left after " + EVENT_TIMEOUT.multipliedBy(5));
            }
            Thread.sleep(20);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
