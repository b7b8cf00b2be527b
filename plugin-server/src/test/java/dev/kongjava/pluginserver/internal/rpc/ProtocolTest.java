package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.internal.Protocol;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Pins every wire constant to what Kong's Lua side sends and expects (docs/protocol.md §4, §5). */
class ProtocolTest {
    @Test
    void messageTypesAreKongsRequestResponseAndNotification() {
        assertEquals(0, Protocol.TYPE_REQUEST);
        assertEquals(1, Protocol.TYPE_RESPONSE);
        assertEquals(2, Protocol.TYPE_NOTIFICATION);
        assertEquals("serverPid", Protocol.NOTIFY_SERVER_PID);
        assertEquals("MsgPack:1", Protocol.PROTOCOL_NAME);
    }

    @Test
    void methodNamesAreTheOnesKongCalls() {
        assertEquals("plugin.StartInstance", Protocol.START_INSTANCE);
        assertEquals("plugin.CloseInstance", Protocol.CLOSE_INSTANCE);
        assertEquals("plugin.HandleEvent", Protocol.HANDLE_EVENT);
        assertEquals("plugin.GetPluginInfo", Protocol.GET_PLUGIN_INFO);
        assertEquals("plugin.GetStatus", Protocol.GET_STATUS);
        assertEquals("plugin.InstanceStatus", Protocol.INSTANCE_STATUS);
        assertEquals(
                List.of(
                        "plugin.Step",
                        "plugin.StepError",
                        "plugin.StepMultiMap",
                        "plugin.StepCredential",
                        "plugin.StepConsumer",
                        "plugin.StepMemoryStats",
                        "plugin.StepRoute",
                        "plugin.StepService"),
                Protocol.STEP_METHODS);
    }

    @Test
    void everyStepVariantAndNothingElseCountsAsAStep() {
        Protocol.STEP_METHODS.forEach(m -> assertTrue(Protocol.isStep(m), m));
        assertTrue(Protocol.isStep("plugin.StepPlugin"));
        assertFalse(Protocol.isStep(Protocol.HANDLE_EVENT));
        assertFalse(Protocol.isStep("plugin.Stop"));
    }

    @Test
    void mapKeysAndTheRetSentinelMatchKongsBridge() {
        assertEquals("ret", Protocol.RET);
        assertEquals(
                List.of(
                        "Name",
                        "Config",
                        "Id",
                        "StartTime",
                        "InstanceId",
                        "EventName",
                        "EventId",
                        "Data",
                        "Method",
                        "Args"),
                List.of(
                        Protocol.KEY_NAME,
                        Protocol.KEY_CONFIG,
                        Protocol.KEY_ID,
                        Protocol.KEY_START_TIME,
                        Protocol.KEY_INSTANCE_ID,
                        Protocol.KEY_EVENT_NAME,
                        Protocol.KEY_EVENT_ID,
                        Protocol.KEY_DATA,
                        Protocol.KEY_METHOD,
                        Protocol.KEY_ARGS));
        assertEquals(List.of("kong.response.exit", "kong.response.error"), Protocol.TERMINAL_METHODS);
    }

    @Test
    void unknownInstanceErrorMatchesBothKongSpellings() {
        String text = Protocol.noPluginInstance(42);
        assertEquals("No plugin instance 42", text);
        // Kong 2.3/2.4 look for the exact text, later versions for its lower-case form.
        assertTrue(text.contains("No plugin instance"));
        assertTrue(text.toLowerCase(Locale.ROOT).contains("no plugin instance"));
    }
}
