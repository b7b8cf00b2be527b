package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.KongConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a peer sends cannot decide how long the server's log lines are or how many there are: a
 * value is quoted to 200 characters, a list of names to 20, and a refusal repeated per request is
 * one line per interval with a count.
 */
class LogBoundsIT {
    @Test
    void aHugeConfigValueAndThousandsOfUnknownKeysMakeShortLinesAndShortErrors() throws Exception {
        String huge = "m".repeat(100_000);
        StringBuilder unknown = new StringBuilder("{\"mode\":\"header\"");
        for (int i = 0; i < 1000; i++) {
            unknown.append(",\"k").append(i).append("\":1");
        }
        unknown.append('}');
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket());
                StderrLines log = StderrLines.capture("probe")) {
            String error = (String) kong.call(
                            1,
                            "plugin.StartInstance",
                            List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"" + huge + "\"}")))
                    .error();
            assertEquals(
                    "Invalid value \"" + "m".repeat(199) + "... (100002 characters) for configuration mode of plugin "
                            + "probe: expected one of: echo, ret, throw, sleep, after-exit, header, headers, query, body, calls, "
                            + "error, json, wait",
                    error);
            assertEquals(
                    null,
                    kong.call(2, "plugin.StartInstance", List.of(Map.of("Name", "probe", "Config", unknown.toString())))
                            .error());
            List<String> lines = log.lines();
            assertTrue(
                    lines.stream().allMatch(l -> l.length() < 1000),
                    "line lengths " + lines.stream().map(String::length).toList());
            assertTrue(
                    lines.stream()
                            .anyMatch(
                                    l -> l.contains("has unknown keys [k0, k1,") && l.contains(", k19] and 980 more")),
                    String.join("\n", lines));
        }
    }

    @Test
    void aRefusalRepeatedPerRequestIsLoggedOncePerIntervalWithACount() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket());
                StderrLines log = StderrLines.capture("StartInstance refused")) {
            for (int i = 0; i < 500; i++) {
                assertTrue(kong.call(
                                        i,
                                        "plugin.StartInstance",
                                        List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"nope\"}")))
                                .error()
                        != null);
            }
            assertTrue(log.matches() <= 2, log.matches() + " lines for 500 refusals: " + log.lines());
        }
    }
}
