package dev.kongjava.packaging.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.packaging.RepoFiles;
import dev.kongjava.testkit.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo as a user runs it, minus the build: its own process group, a curl-like request, the
 * record printed, a request through the example plugins, then Ctrl-C (SIGINT to the whole group, as a terminal sends it) or SIGTERM to
 * the demo JVM alone; afterwards none of its processes and none of its temp files are left.
 */
class DemoIT {
    // two loaded cores: broker, server, peer (about 7 s); below the 3 min test timeout, so this message wins
    private static final Duration READY = Duration.ofMinutes(2);
    private static final Pattern FRONT = Pattern.compile("Kong front +(http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern PREFIX = Pattern.compile("prefix (/\\S+)\\)");
    private static final Pattern KONG_LOG = Pattern.compile("Kong's log +(/\\S+)");

    @Test
    void ctrlCStopsTheLuaPeerDemoAndEverythingItStarted() throws Exception {
        Prerequisites.requireLuaPeer();
        Prerequisites.require(
                "perl",
                Files.isExecutable(Path.of("/usr/bin/perl")),
                () -> "DemoIT needs /usr/bin/perl to reset SIGINT the way an interactive shell does");
        RunningDemo demo = RunningDemo.start("lua");
        assertTrue(demo.output().contains("(Lua peer: nginx"), demo.output());
        demo.sendsARequestAndPrintsItsRecord();
        demo.theExamplePluginsAnswerWithTheRequestsTag();
        demo.requestTaggersLogPhaseWroteToKongsLog();
        demo.stopAndCheckNothingIsLeft(true);
    }

    @Test
    void sigtermStopsTheJavaFrontDemoAndEverythingItStarted() throws Exception {
        RunningDemo demo = RunningDemo.start("java");
        assertTrue(demo.output().contains("(Java HTTP server + FakeKong)"), demo.output());
        demo.sendsARequestAndPrintsItsRecord();
        demo.theExamplePluginsAnswerWithTheRequestsTag();
        demo.stopAndCheckNothingIsLeft(false);
    }

    /** One demo process with its output. */
    private record RunningDemo(Process process, List<String> lines) {
        static RunningDemo start(String front) throws Exception {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of("setsid"));
            if (Files.isExecutable(Path.of("/usr/bin/perl"))) {
                // Background jobs inherit an ignored SIGINT; a terminal's foreground job does not.
                command.addAll(
                        List.of("/usr/bin/perl", "-e", "$SIG{INT}='DEFAULT'; $SIG{QUIT}='DEFAULT'; exec @ARGV or die"));
            }
            command.addAll(List.of(
                    java.toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Demo.class.getName(),
                    "--repo",
                    RepoFiles.root().toString(),
                    "--port",
                    "0",
                    "--front",
                    front));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            RunningDemo demo = new RunningDemo(process, new CopyOnWriteArrayList<>());
            Thread.ofPlatform().daemon().start(demo::pump);
            demo.await(l -> l.contains("Ctrl-C stops everything"), READY);
            return demo;
        }

        String front() {
            Matcher m = FRONT.matcher(output());
            assertTrue(m.find(), output());
            return m.group(1);
        }

        void sendsARequestAndPrintsItsRecord() throws Exception {
            URI uri = URI.create(front() + "/kafka/orders?id=42");
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"demo-it\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body() + "\n" + output());
            assertEquals("{\"message\":\"message sent\"}", response.body());
            await(l -> l.contains("\"uri\":\"/kafka/orders?id=42\"") && l.contains("demo-it"), Duration.ofSeconds(30));
        }

        /** request-tagger and tag-echo, each in its own server process, on the service-less route /tagged. */
        void theExamplePluginsAnswerWithTheRequestsTag() throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(front() + "/tagged"))
                                    .header("X-Request-Tag", "demo-it-tag")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body() + "\n" + output());
            assertEquals("{\"tag\":\"demo-it-tag\"}", response.body());
        }

        /** The Lua peer runs the log phase after the response, as Kong does; the demo prints where its log is. */
        void requestTaggersLogPhaseWroteToKongsLog() throws Exception {
            Matcher m = KONG_LOG.matcher(output());
            assertTrue(m.find(), output());
            Path log = Path.of(m.group(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(log).contains("[request-tagger] tag demo-it-tag: GET /tagged -> 200 in ")) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "no log line of request-tagger in " + log + ":\n" + Files.readString(log));
                Thread.sleep(100);
            }
        }

        void stopAndCheckNothingIsLeft(boolean ctrlC) throws Exception {
            List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
            started.add(process.toHandle());
            assertTrue(
                    started.size() >= (ctrlC ? 5 : 4),
                    "demo JVM (setsid and perl exec into it), plugin servers"
                            + " of kafka-upstream, request-tagger, tag-echo" + (ctrlC ? ", nginx" : "") + ": "
                            + started.stream().map(ProcessHandle::info).toList());
            Matcher prefix = PREFIX.matcher(output());
            assertTrue(prefix.find(), output());
            // setsid made the demo the leader of its own process group: -pid addresses the group.
            String target = ctrlC ? "-" + process.pid() : Long.toString(process.pid());
            new ProcessBuilder("kill", ctrlC ? "-INT" : "-TERM", "--", target)
                    .inheritIO()
                    .start()
                    .waitFor();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "demo still running:\n" + output());
            assertEquals(ctrlC ? 130 : 143, process.exitValue(), output());
            await(l -> l.equals("stopped."), Duration.ofSeconds(5));
            for (ProcessHandle p : started) {
                p.onExit().get(10, TimeUnit.SECONDS);
                assertFalse(p.isAlive(), "left running: " + p.info());
            }
            assertFalse(Files.exists(Path.of(prefix.group(1))), "temp prefix left: " + prefix.group(1));
        }

        String output() {
            return String.join("\n", lines);
        }

        private void await(Predicate<String> line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.stream().noneMatch(line)) {
                if (System.nanoTime() > deadline
                        || (!process.isAlive() && lines.stream().noneMatch(line))) {
                    Thread.sleep(200); // the pump may still be reading the last lines
                    if (lines.stream().anyMatch(line)) {
                        return;
                    }
                    if (process.isAlive()) {
                        process.destroyForcibly();
                    }
                    throw new AssertionError("demo output never matched within " + timeout + ":\n" + output());
                }
                Thread.sleep(100);
            }
        }

        private void pump() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
            }
        }
    }
}
