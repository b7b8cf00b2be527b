package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Peers that misbehave on purpose, next to a well-behaved Kong: stalled half messages, a huge
 * declared envelope, floods of garbage, and a connection storm. The server keeps answering Kong and frees what the others held.
 */
class HostileInputIT {
    /** The first bytes of [0, 1, "plugin.GetStatus", []]: an array header, a type and a msgid, then nothing. */
    private static final byte[] HALF_MESSAGE = {(byte) 0x94, 0x00, 0x01};
    /** Kong's side gives each reply this long: generous for a loaded machine, and no stall ever ends. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void connectionsStalledInTheMiddleOfAMessageDoNotDelayKong() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket()).replyTimeout(REPLY_TIMEOUT)) {
            List<KongConnection> stalled = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                KongConnection c = new KongConnection(s.socket());
                c.writeRaw(HALF_MESSAGE);
                stalled.add(c);
            }
            FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"header\"}");
            for (int i = 0; i < 100; i++) {
                assertEquals(
                        "v",
                        plugin.access(CannedRequest.get("/").header("x-probe", "v"))
                                .exitBodyText());
            }
            // every event was answered in time while all 100 stalls were still open and unfinished
            assertEquals(101, s.server().status().connections(), "Kong's connection and the 100 stalled ones");
            for (KongConnection c : stalled) {
                c.close();
            }
            EventLifecycleIT.waitFor(() -> s.server().status().connections() == 1);
        }
    }

    @Test
    void anEnvelopeDeclaringMillionsOfElementsIsRefusedAtOnceWithoutAllocatingThem() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                KongConnection c = new KongConnection(s.socket(), REPLY_TIMEOUT)) {
            // array32 of 0x0a0a0a0a (168 million) elements, then [0, 1 ...: found by RpcBytesFuzzTest
            c.writeRaw(new byte[] {(byte) 0xdd, 0x0a, 0x0a, 0x0a, 0x0a, 0x00, 0x01});
            // closed by the server, not a reply timeout: it did not wait for the elements to arrive
            IOException closed = assertThrows(IOException.class, () -> c.readReply(1));
            assertEquals("closed", closed.getMessage());
            try (FakeKong kong = FakeKong.connect(s.socket())) {
                assertEquals(
                        200,
                        kong.plugin("probe", "{\"mode\":\"header\"}")
                                .access(CannedRequest.get("/"))
                                .exitStatus());
            }
        }
    }

    @Test
    void aStormOfGarbageConnectionsLeavesKongsEventsAnsweredAndNoConnectionBehind() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            AtomicInteger served = new AtomicInteger();
            Thread events = Thread.ofVirtual().start(() -> {
                FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"echo\"}");
                for (int i = 0; i < 500; i++) {
                    if ("POST /x body"
                            .equals(plugin.access(CannedRequest.post("/x").body("body"))
                                    .exitBodyText())) {
                        served.incrementAndGet();
                    }
                }
            });
            List<Thread> attackers = new ArrayList<>();
            for (int a = 0; a < 20; a++) {
                Random random = new Random(a);
                attackers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        byte[] garbage = new byte[1 + random.nextInt(512)];
                        random.nextBytes(garbage);
                        try (KongConnection c = new KongConnection(s.socket())) {
                            c.writeRaw(garbage);
                        } catch (Exception e) {
                            // the server may close first: that is its answer to garbage
                        }
                    }
                }));
            }
            for (Thread t : attackers) {
                t.join();
            }
            events.join();
            assertEquals(500, served.get(), "Kong's events during the storm");
            EventLifecycleIT.waitFor(() -> s.server().status().connections() == 1);
            assertEquals(0, s.server().status().events());
            try (KongConnection fresh = new KongConnection(s.socket())) {
                assertNull(fresh.call(1, "plugin.GetStatus", List.of()).error());
            }
        }
    }
}
