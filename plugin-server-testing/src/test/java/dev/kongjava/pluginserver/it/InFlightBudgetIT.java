package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.KongConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * What the server holds for Kong is bounded by what arrived and by --max-bytes-in-flight, never by
 * what a message declares: a body that does not fit is read without being kept and the plugin is
 * told (it answers 503); a stalled sender holds only what it sent; a message that would decode to
 * far more memory than its size is refused on its own, the connection going on.
 */
class InFlightBudgetIT {
    private static final int MIB = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    @Test
    void aBodyThatDoesNotFitTheBudgetIsReadWithoutKeepingItAndThePluginGetsServerBusy() throws Exception {
        try (TestServer s = TestServer.start(
                        o -> o.maxMessageBytes(MIB).maxBytesInFlight(2 * MIB), ProbePlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            int instance = startProbe(kong, "{\"mode\":\"error\"}");
            byte[] body = new byte[MIB - 100];
            Arrays.fill(body, (byte) 'b');
            try (KongConnection staller = new KongConnection(s.socket())) {
                // a body of the same size, 900 KiB of it sent: the server holds about 1 MiB for it
                byte[] stalled = step(99, body);
                staller.writeRaw(Arrays.copyOf(stalled, 900 * 1024));
                EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() >= MIB - 100);

                long event = firstCallback(kong, instance, "kong.request.get_raw_body");
                Map<?, ?> exit =
                        (Map<?, ?>) data(kong.call(11, "plugin.Step", List.of(Map.of("EventId", event, "Data", body))));
                assertEquals("kong.response.exit", exit.get("Method"));
                List<?> args = (List<?>) exit.get("Args");
                assertEquals(503L, args.get(0));
                assertTrue(
                        args.get(1)
                                .toString()
                                .matches("kong\\.request\\.get_raw_body failed: the plugin server holds "
                                        + "\\d+ bytes of requests not yet answered, its limit is 2097152 bytes "
                                        + "\\(--max-bytes-in-flight\\); try again later"),
                        args.get(1).toString());
            }
            EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() == 0);

            long event = firstCallback(kong, instance, "kong.request.get_raw_body");
            assertEquals(
                    "ret",
                    data(kong.call(12, "plugin.Step", List.of(Map.of("EventId", event, "Data", body)))),
                    "the same body goes through once the budget is free again");
        }
    }

    @Test
    void declaredBodiesThatNeverArriveHoldOnlyWhatArrived() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION)) {
            List<KongConnection> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    KongConnection c = new KongConnection(s.socket());
                    byte[] message = step(1, new byte[15 * MIB]); // declared 15 MiB, 1 KiB sent
                    c.writeRaw(Arrays.copyOf(message, 1024));
                    stalled.add(c);
                }
                EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() >= 10 * CHUNK);
                long held = s.server().status().bytesInFlight();
                assertTrue(held <= 10 * (CHUNK + 1024), "10 stalled 15 MiB bodies hold " + held + " bytes");
            } finally {
                for (KongConnection c : stalled) {
                    c.close();
                }
            }
            EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() == 0);
        }
    }

    @Test
    void aMessageThatDecodesToFarMoreMemoryThanItsSizeIsRefusedAndTheConnectionGoesOn() throws Exception {
        try (TestServer s = TestServer.start(o -> o.maxMessageBytes(MIB), ProbePlugin.DEFINITION);
                KongConnection c = new KongConnection(s.socket())) {
            // 500,000 empty maps: 500 KB on the wire, tens of MB once decoded
            c.writeRaw(packed(p -> {
                p.packArrayHeader(4)
                        .packInt(0)
                        .packInt(7)
                        .packString("plugin.GetStatus")
                        .packArrayHeader(1);
                p.packArrayHeader(500_000);
                for (int i = 0; i < 500_000; i++) {
                    p.packMapHeader(0);
                }
            }));
            KongConnection.Reply refused = c.readReply(7);
            assertEquals(
                    "the message decodes to more than 2097152 bytes of memory (twice --max-message-size)",
                    refused.error());
            assertNull(c.call(8, "plugin.GetStatus", List.of()).error(), "the same connection serves the next request");
            EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() == 0);
        }
    }

    @Test
    void eventsBeyondMaxEventsEndAtOnceWithKongs503() throws Exception {
        try (TestServer s = TestServer.start(
                        o -> o.maxEvents(2).shutdownTimeout(Duration.ofMillis(100)), ProbePlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            int sleeper = startProbe(kong, "{\"mode\":\"sleep\",\"sleep_ms\":60000}");
            List<KongConnection> busy = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    KongConnection c = new KongConnection(s.socket());
                    c.writeRaw(packed(p -> {
                        p.packArrayHeader(4)
                                .packInt(0)
                                .packInt(1)
                                .packString("plugin.HandleEvent")
                                .packArrayHeader(1);
                        p.packMapHeader(2)
                                .packString("InstanceId")
                                .packInt(sleeper)
                                .packString("EventName")
                                .packString("access");
                    }));
                    busy.add(c);
                }
                EventLifecycleIT.waitFor(() -> s.server().status().events() == 2);
                int other = startProbe(kong, "{\"mode\":\"header\"}");
                Map<?, ?> third = (Map<?, ?>)
                        kong.call(3, "plugin.HandleEvent", List.of(Map.of("InstanceId", other, "EventName", "access")))
                                .result();
                assertEquals(Map.of("Method", "kong.response.error", "Args", List.of(503L)), third.get("Data"));
                assertEquals(2, s.server().status().events(), "the refused event never ran");
            } finally {
                for (KongConnection c : busy) {
                    c.close();
                }
            }
        }
    }

    @Test
    void instancesBeyondMaxInstancesAreRefusedWithTheLimitNamed() throws Exception {
        try (TestServer s = TestServer.start(o -> o.maxInstances(3), ProbePlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            for (int i = 0; i < 3; i++) {
                startProbe(kong, "{\"mode\":\"header\"}");
            }
            KongConnection.Reply refused = kong.call(
                    9, "plugin.StartInstance", List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"header\"}")));
            assertEquals(
                    "the plugin server holds 3 instances, its limit (--max-instances); "
                            + "idle ones close after --instance-idle-timeout",
                    refused.error());
            assertEquals(3, s.server().status().instances());
        }
    }

    private static int startProbe(KongConnection kong, String config) throws IOException {
        KongConnection.Reply started =
                kong.call(1, "plugin.StartInstance", List.of(Map.of("Name", "probe", "Config", config)));
        assertNull(started.error());
        return ((Number) ((Map<?, ?>) started.result()).get("Id")).intValue();
    }

    /** HandleEvent on {@code instance}; asserts the first callback is {@code method} and returns the EventId. */
    private static long firstCallback(KongConnection kong, int instance, String method) throws IOException {
        Map<?, ?> result = (Map<?, ?>)
                kong.call(2, "plugin.HandleEvent", List.of(Map.of("InstanceId", instance, "EventName", "access")))
                        .result();
        assertEquals(method, ((Map<?, ?>) result.get("Data")).get("Method"));
        return ((Number) result.get("EventId")).longValue();
    }

    private static Object data(KongConnection.Reply reply) {
        assertNull(reply.error());
        return ((Map<?, ?>) reply.result()).get("Data");
    }

    /** {@code [0, msgid, "plugin.Step", [{"EventId": 1, "Data": <bin body>}]]}. */
    private static byte[] step(long msgid, byte[] body) throws IOException {
        return packed(p -> {
            p.packArrayHeader(4)
                    .packInt(0)
                    .packLong(msgid)
                    .packString("plugin.Step")
                    .packArrayHeader(1);
            p.packMapHeader(2)
                    .packString("EventId")
                    .packInt(1)
                    .packString("Data")
                    .packBinaryHeader(body.length);
            p.writePayload(body);
        });
    }

    private interface Writer {
        void write(MessagePacker p) throws IOException;
    }

    private static byte[] packed(Writer w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MessagePacker p = MessagePack.newDefaultPacker(out)) {
            w.write(p);
        }
        return out.toByteArray();
    }
}
