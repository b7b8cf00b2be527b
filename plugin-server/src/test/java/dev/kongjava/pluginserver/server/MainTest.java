package dev.kongjava.pluginserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import dev.kongjava.testkit.KongMetaschema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                ProbePlugin.DEFINITION);
    }

    /** A server hosting two plugins, as a jar with several plugins passes them to {@code Main.run}. */
    private int runTwo(String... args) {
        PluginDefinition<?> second = PluginDefinition.builder("second")
                .version("2.0.0")
                .priority(5)
                .handler(ProbePlugin.class, ctx -> null)
                .build();
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                ProbePlugin.DEFINITION,
                second);
    }

    @SuppressWarnings("unchecked")
    private List<Object> dumpedNames() throws IOException {
        Map<String, Object> dump = new ObjectMapper().readValue(out.toByteArray(), Map.class);
        return ((List<Map<String, Object>>) dump.get("Plugins"))
                .stream().map(p -> p.get("Name")).toList();
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = MainTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void dumpPrintsExactlyTheGoldenPluginInfoAndNothingElse() throws Exception {
        assertEquals(0, run("--dump"));
        assertEquals(golden("probe-dump.json"), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void kongsSingleDashSpellingsWorkToo() {
        assertEquals(0, run("-kong-prefix", "/tmp", "-dump"));
        assertTrue(out.toString(StandardCharsets.UTF_8)
                .startsWith("{\"Protocol\":\"MsgPack:1\",\"Plugins\":[{\"Name\":\"probe\""));
    }

    @Test
    void theDumpIsWhatKongsMetaschemaAccepts() throws Exception {
        run("--dump");
        @SuppressWarnings("unchecked")
        Map<String, Object> dump = new ObjectMapper().readValue(out.toByteArray(), Map.class);
        assertEquals(List.of(), KongMetaschema.checkDump(dump));
    }

    @Test
    void helpPrintsTheUsageOnStdoutAndExitsZero() throws Exception {
        assertEquals(0, run("--help"));
        assertEquals(golden("probe-help.txt"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownFlagPrintsTheUsageOnStderrAndExitsTwo() {
        assertEquals(2, run("--bogus"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("probe: unknown option: --bogus\nUsage: probe [options]\n"), text);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badValuesAreNamedWithWhatIsExpected() {
        assertEquals(2, run("--event-timeout", "30"));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("probe: --event-timeout needs a duration like 500ms, 30s, 2m or 1h, got '30'\n"));
        err.reset();
        assertEquals(2, run("--socket-mode=0400"));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("probe: --socket-mode must keep read and write for the owner, got '0400'\n"));
        err.reset();
        assertEquals(2, run("--allow-uid", "kong"));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("probe: --allow-uid needs numeric uids separated by commas, got 'kong'\n"));
        err.reset();
        assertEquals(2, run("--max-connections", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("probe: --max-connections needs a whole number of at least 1, got '0'\n"));
        err.reset();
        assertEquals(2, run("--exit-with-parent=kong"));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("probe: --exit-with-parent needs a process id, got 'kong'\n"));
        err.reset();
        assertEquals(2, run("--socket"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("probe: missing value for --socket\n"));
    }

    @Test
    void parsedOptionsReachTheServerOptions() throws Exception {
        CommandLine c = CommandLine.parse(
                new String[] {
                    "--socket-mode",
                    "660",
                    "--allow-uid",
                    "100,101",
                    "--max-message-size=8m",
                    "--event-timeout",
                    "500ms",
                    "--instance-idle-timeout",
                    "2m",
                    "--max-connections",
                    "64",
                    "--exit-with-parent=4321",
                    "--kong-admin-url",
                    "http://x"
                },
                List.of(new ServerFlag("kong-admin-url", "url", "Admin API")));
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(c.socketMode));
        assertEquals(java.util.Set.of(100, 101), c.allowedUids);
        assertEquals(8L << 20, c.maxMessageBytes);
        assertEquals(java.time.Duration.ofMillis(500), c.eventTimeout);
        assertEquals(java.time.Duration.ofMinutes(2), c.instanceIdleTimeout);
        assertEquals(64, c.maxConnections);
        assertTrue(c.exitWithParent);
        assertEquals(4321, c.parentPid);
        assertEquals(Map.of("kong-admin-url", "http://x"), c.flags);
    }

    @Test
    void thePluginOptionDumpsOnlyThatPluginSoKong39SeesIt() throws Exception {
        assertEquals(0, runTwo("--dump"));
        assertEquals(List.of("probe", "second"), dumpedNames()); // Kong 3.9+ would register only probe
        out.reset();
        assertEquals(0, runTwo("--plugin", "second", "--dump"));
        assertEquals(List.of("second"), dumpedNames());
        out.reset();
        assertEquals(0, runTwo("--plugin=second", "--version"));
        assertEquals("second 2.0.0\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownPluginNameIsAUsageErrorNamingTheServersPlugins() {
        assertEquals(2, runTwo("--plugin", "third", "--dump"));
        assertTrue(
                err.toString(StandardCharsets.UTF_8)
                        .startsWith(
                                "probe: --plugin needs one of probe, second, got 'third'\nUsage: probe [options]\n"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theHelpOfASeveralPluginServerNamesThemAndTheSocketOfTheChosenOne() {
        assertEquals(0, runTwo("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(
                help.contains(
                        "\n  --plugin <name>                      serve and dump only this plugin (probe, second);"
                                + " Kong 3.9+ needs one server per plugin\n"),
                help);
        assertTrue(
                help.contains("\n  --socket <path>                      socket path (default"
                        + " <kong-prefix>/<--plugin or probe>.socket)\n"),
                help);
    }

    @Test
    void pluginFlagsAppearInTheHelp() {
        PluginDefinition<?> withFlag = PluginDefinition.builder("flagged")
                .priority(1)
                .flag(new ServerFlag("kong-admin-url", "url", "where to resolve certificates"))
                .handler(ProbePlugin.class, ctx -> null)
                .build();
        Main.run(
                new String[] {"--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                withFlag);
        assertTrue(out.toString(StandardCharsets.UTF_8)
                .contains("\nPlugin options:\n  --kong-admin-url <url>               where to resolve certificates\n"));
    }
}
