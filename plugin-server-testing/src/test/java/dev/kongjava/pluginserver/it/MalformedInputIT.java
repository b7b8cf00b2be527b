package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.server.ServerOptions;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Hostile bytes on one connection get an error reply or a closed connection, never a dead server:
 * after each case a second connection still runs a full event.
 */
class MalformedInputIT {
    private TestServer server;
    private KongConnection raw;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(ProbePlugin.DEFINITION);
        raw = new KongConnection(server.socket());
    }

    @AfterEach
    void otherConnectionsStillWork() throws Exception {
        try (FakeKong kong = FakeKong.connect(server.socket())) {
            assertEquals(
                    200,
                    kong.plugin("probe", "{\"mode\":\"header\"}")
                            .access(CannedRequest.get("/"))
                            .exitStatus());
        }
        raw.close();
        server.close();
    }

    private static byte[] packed(Packing body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessagePacker p = MessagePack.newDefaultPacker(out);
        body.pack(p);
        p.flush();
        return out.toByteArray();
    }

    private interface Packing {
        void pack(MessagePacker p) throws IOException;
    }

    @Test
    void aMessageThatIsNotAnArrayGetsAnErrorReplyWithMsgidZero() throws Exception {
        raw.writeRaw(packed(p -> p.packString("hello")));
        assertEquals(
                "malformed request: expected [0, msgid, method, params], got a STRING",
                raw.readReply(0).error());
    }

    @Test
    void aMsgidThatIsNotAnIntegerGetsAnErrorReplyWithMsgidZero() throws Exception {
        raw.writeRaw(packed(p -> {
            p.packArrayHeader(4)
                    .packInt(0)
                    .packString("x")
                    .packString("plugin.GetStatus")
                    .packArrayHeader(0);
        }));
        assertEquals(
                "malformed request: expected [0, msgid, method, params]",
                raw.readReply(0).error());
    }

    @Test
    void paramsThatAreNotAnArrayGetAnErrorNamingTheMethod() throws Exception {
        raw.writeRaw(packed(p -> p.packArrayHeader(4)
                .packInt(0)
                .packInt(5)
                .packString("plugin.HandleEvent")
                .packString("x")));
        assertEquals(
                "malformed request: params of plugin.HandleEvent must be an array",
                raw.readReply(5).error());
        // the connection is still in sync and usable
        assertNull(raw.call(6, "plugin.GetStatus", List.of()).error());
    }

    @Test
    void paramsOfTheWrongShapeGetAnErrorNamingWhatWasExpected() throws Exception {
        assertEquals(
                "malformed request: plugin.HandleEvent expects a map as its first parameter",
                raw.call(7, "plugin.HandleEvent", List.of("x")).error());
        assertEquals(
                "malformed request: plugin.HandleEvent needs InstanceId as an int32, got abc",
                raw.call(8, "plugin.HandleEvent", List.of(Map.of("InstanceId", "abc")))
                        .error());
        assertEquals(
                "malformed request: plugin.CloseInstance needs instance id as an int32, got -1",
                raw.call(9, "plugin.CloseInstance", List.of(-1)).error());
        assertEquals(
                "malformed request: plugin.Step needs EventId as an int32, got null",
                raw.call(10, "plugin.Step", List.of(Map.of("Data", 1))).error());
    }

    @Test
    void aHundredMegabyteLengthIsAnsweredAndTheConnectionClosedWithoutAllocatingIt() throws Exception {
        raw.writeRaw(packed(p -> {
            p.packArrayHeader(4)
                    .packInt(0)
                    .packInt(11)
                    .packString("plugin.Step")
                    .packArrayHeader(1);
            p.packMapHeader(2)
                    .packString("EventId")
                    .packInt(1)
                    .packString("Data")
                    .packBinaryHeader(100 * 1024 * 1024);
        }));
        KongConnection.Reply reply = raw.readReply(11);
        assertTrue(
                reply.error()
                        .toString()
                        .matches("message of at least \\d+ bytes exceeds the limit of "
                                + ServerOptions.DEFAULT_MAX_MESSAGE_BYTES + " bytes \\(--max-message-size\\)"),
                reply.error().toString());
        assertThrows(IOException.class, () -> raw.readReply(12), "connection closed");
    }

    @Test
    void aTruncatedMessageFollowedByCloseLeavesTheServerServing() throws Exception {
        byte[] whole = packed(p -> p.packArrayHeader(4)
                .packInt(0)
                .packInt(1)
                .packString("plugin.GetStatus")
                .packArrayHeader(0));
        raw.writeRaw(java.util.Arrays.copyOf(whole, whole.length - 3));
        raw.close();
    }

    @Test
    void bytesThatAreNotMessagePackCloseTheConnection() throws Exception {
        raw.writeRaw(new byte[] {(byte) 0xc1, 1, 2, 3});
        assertThrows(IOException.class, () -> raw.readReply(1));
    }

    @Test
    void aResponseTypeMessageFromThePeerIsRefusedAsMalformed() throws Exception {
        raw.writeRaw(
                packed(p -> p.packArrayHeader(4).packInt(1).packInt(3).packNil().packNil()));
        assertEquals(
                "malformed request: expected [0, msgid, method, params]",
                raw.readReply(3).error());
    }
}
