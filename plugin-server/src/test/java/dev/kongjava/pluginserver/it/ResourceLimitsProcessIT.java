package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbeServerMain;
import dev.kongjava.testkit.ProcFs;
import dev.kongjava.testkit.SecondUid;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server as Kong runs it (its own process, the launcher's JVM flags) at the limits of its
 * threads and file descriptors: a connection it cannot serve is closed at once and accepting goes
 * on, a server that can serve no new connection for the event timeout exits 1 so Kong starts a new
 * one, and failing accepts back off instead of spinning. Thread limits apply to a real second uid
 * (RLIMIT_NPROC counts a user's threads), so these tests need root, as CI has.
 */
class ResourceLimitsProcessIT {
    /** The launcher's JVM flags (kong-config/kafka-upstream). */
    private static final List<String> LAUNCHER_FLAGS =
            List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:os+thread=error");
    /** A JVM with the server idle runs about 16 threads: 250 leave room for about 230 connections. */
    private static final String THREAD_LIMIT = "--nproc=250";

    private static final int CONNECTIONS = 400;
    private static final String NO_THREAD = "closed a new connection at once, it could not be served";

    private Path dir;
    private final List<SocketChannel> held = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = TempDirs.create("kps-limits");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (SocketChannel c : held) {
            c.close();
        }
        TempDirs.deleteQuietly(dir);
    }

    @Test
    void aConnectionThatGetsNoThreadIsClosedAtOnceAndTheServerKeepsAccepting() throws Exception {
        try (SecondUid user = SecondUid.create();
                ServerProcess server = limitedServer(user, "60s")) {
            Outcomes outcomes = open(server.socket(), CONNECTIONS);
            assertEquals(
                    CONNECTIONS,
                    outcomes.served + outcomes.closed,
                    "every connection is served or closed at once, none is left hanging; log:\n" + server.log());
            assertTrue(outcomes.closed > 0, "the thread limit was reached: " + outcomes);
            for (SocketChannel c : held) {
                c.close();
            }
            held.clear();
            // the server's reader threads end as they see our closes; until then a new connection may be refused
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (open(server.socket(), 1).served == 0) {
                assertTrue(System.nanoTime() < deadline, "served again once threads are free; log:\n" + server.log());
                Thread.sleep(50);
            }
            assertTrue(server.isAlive());
            String log = server.log();
            assertTrue(
                    count(log, NO_THREAD + " (java.lang.OutOfMemoryError: unable to create native thread") <= 2,
                    "one rate-limited line per 10 s for the whole burst; log:\n" + log);
            assertEquals(0, count(log, "Exception in thread"), log);
            System.out.printf("thread limit 250: %s, then served again%n", outcomes);
        }
    }

    @Test
    void aServerThatCanGiveNoNewConnectionAThreadForTheEventTimeoutExitsOneSoKongStartsANewOne() throws Exception {
        Duration eventTimeout = Duration.ofSeconds(2);
        try (SecondUid user = SecondUid.create();
                ServerProcess server = limitedServer(user, eventTimeout.toSeconds() + "s")) {
            Outcomes outcomes = open(server.socket(), CONNECTIONS);
            assertTrue(outcomes.closed > 0, "the thread limit was reached: " + outcomes);
            long deadline = System.nanoTime()
                    + eventTimeout.multipliedBy(5).plusSeconds(30).toNanos();
            while (server.isAlive() && System.nanoTime() < deadline) {
                try {
                    open(server.socket(), 1); // Kong keeps trying; each attempt is refused
                } catch (IOException e) {
                    break; // the socket is gone: the server is stopping
                }
                Thread.sleep(100);
            }
            assertEquals(
                    1,
                    server.onExit()
                            .completeOnTimeout(null, 10, TimeUnit.SECONDS)
                            .get(),
                    server.log());
            List<String> lines = server.log().lines().toList();
            String last = lines.getLast();
            assertTrue(
                    last.matches(".* ERROR PluginServer - stopped: no new connection could be served for \\d+ ms "
                            + "\\(java.lang.OutOfMemoryError: unable to create native thread.*\\); exit status 1"),
                    last);
            // measured with the server's own clock: it gave up no earlier than a whole event timeout
            long gaveUpAfter = Duration.between(
                            time(first(lines, NO_THREAD)), time(first(lines, "cannot serve any more")))
                    .toMillis();
            assertTrue(gaveUpAfter >= eventTimeout.toMillis(), "gave up after " + gaveUpAfter + " ms");
            System.out.printf("no thread for any new connection: exit 1, %d ms after the first refusal%n", gaveUpAfter);
        }
    }

    @Test
    void failingAcceptsBackOffAndAreLoggedOncePerIntervalInsteadOfSpinning() throws Exception {
        Path socket = dir.resolve("probe.socket");
        try (ServerProcess server = ServerProcess.startJava(ProbeServerMain.class, socket, dir.resolve("server.log"))) {
            String limits = Files.readString(Path.of("/proc", Long.toString(server.pid()), "limits"));
            // no descriptor left: every accept fails with EMFILE and leaves the connection queued.
            // One below the count read a moment ago, so a descriptor the JVM closed meanwhile
            // cannot let the accept through.
            int inUse = ProcFs.openFiles(server.pid());
            run("prlimit", "--pid", Long.toString(server.pid()), "--nofile=" + (inUse - 1) + ":");
            SocketChannel queued = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            held.add(queued);
            Duration cpuBefore = ProcFs.cpuTime(server.pid());
            long start = System.nanoTime();
            Thread.sleep(3000); // the interval over which a loop without back-off would spin
            Duration cpu = ProcFs.cpuTime(server.pid()).minus(cpuBefore);
            long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String log = server.log();
            int failures = count(log, "accept failed: Too many open files");

            run("prlimit", "--pid", Long.toString(server.pid()), "--nofile=" + openFilesLimit(limits));
            assertEquals(
                    1,
                    count(ready(List.of(queued), Duration.ofSeconds(10)), 'S'),
                    "the queued connection is served once descriptors are free");
            assertEquals(1, failures, "one rate-limited line; log:\n" + log);
            assertTrue(cpu.toMillis() < wallMillis / 4, "CPU " + cpu.toMillis() + " ms in " + wallMillis + " ms");
            System.out.printf(
                    "out of descriptors for %d ms: %d log line, %d ms CPU%n", wallMillis, failures, cpu.toMillis());
        }
    }

    /** The probe server as {@code user} under the thread limit, with the launcher's JVM flags. */
    private ServerProcess limitedServer(SecondUid user, String eventTimeout) throws IOException, InterruptedException {
        user.own(dir);
        Path socket = dir.resolve("probe.socket");
        List<String> command = user.command(
                user.javaCommand(
                        ProbeServerMain.class,
                        LAUNCHER_FLAGS,
                        "--socket",
                        socket.toString(),
                        "--exit-with-parent",
                        "--event-timeout",
                        eventTimeout),
                THREAD_LIMIT);
        return ServerProcess.start(command, Map.of(), socket, dir.resolve("server.log"));
    }

    private record Outcomes(int served, int closed) {}

    /** Opens {@code n} connections (kept open) and tells which the server served and which it closed at once. */
    private Outcomes open(Path socket, int n) throws IOException {
        List<SocketChannel> opened = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            opened.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        }
        held.addAll(opened);
        String outcomes = ready(opened, Duration.ofSeconds(20));
        return new Outcomes(count(outcomes, 'S'), count(outcomes, 'C'));
    }

    /**
     * Waits for the server's first word on each connection: 'S' when the serverPid notification
     * arrives (a thread serves it), 'C' when it is closed, '?' when neither came within the bound.
     */
    private static String ready(List<SocketChannel> channels, Duration within) throws IOException {
        char[] outcome = new char[channels.size()];
        java.util.Arrays.fill(outcome, '?');
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < channels.size(); i++) {
                channels.get(i).configureBlocking(false);
                channels.get(i).register(selector, SelectionKey.OP_READ, i);
            }
            long deadline = System.nanoTime() + within.toNanos();
            int pending = channels.size();
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (pending > 0 && System.nanoTime() < deadline) {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                for (SelectionKey key : selector.selectedKeys()) {
                    buffer.clear();
                    int read;
                    try {
                        read = ((SocketChannel) key.channel()).read(buffer);
                    } catch (IOException e) {
                        read = -1; // reset by the server: closed as well
                    }
                    outcome[(Integer) key.attachment()] = read < 0 ? 'C' : 'S';
                    key.cancel();
                    pending--;
                }
                selector.selectedKeys().clear();
            }
        }
        return new String(outcome);
    }

    private static int count(String text, char c) {
        return (int) text.chars().filter(x -> x == c).count();
    }

    private static int count(String text, String marker) {
        return (int) text.lines().filter(line -> line.contains(marker)).count();
    }

    private static String first(List<String> lines, String marker) {
        return lines.stream()
                .filter(line -> line.contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + marker + "' in\n" + String.join("\n", lines)));
    }

    /** The timestamp that starts each log line of the server. */
    private static OffsetDateTime time(String line) {
        return OffsetDateTime.parse(line.substring(0, line.indexOf(' ')));
    }

    /** The soft open-files limit from /proc/<pid>/limits, as prlimit sets it (the hard limit unchanged). */
    private static String openFilesLimit(String limits) {
        String[] columns = limits.lines()
                .filter(l -> l.startsWith("Max open files"))
                .findFirst()
                .orElseThrow()
                .substring("Max open files".length())
                .strip()
                .split("\\s+");
        return columns[0] + ":";
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }
}
