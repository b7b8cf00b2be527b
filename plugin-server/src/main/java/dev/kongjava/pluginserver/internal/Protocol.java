package dev.kongjava.pluginserver.internal;

import java.util.List;

/**
 * Every wire constant of Kong's MessagePack-RPC plugin protocol, in one place so that a contract
 * test can pin each one (docs/protocol.md §4, §5).
 */
public final class Protocol {
    private Protocol() {}

    /** Protocol name printed in the dump; Kong picks mp_rpc for it (§3). */
    public static final String PROTOCOL_NAME = "MsgPack:1";

    /** {@code [0, msgid, method, params]}: the only message type Kong sends. */
    public static final int TYPE_REQUEST = 0;
    /** {@code [1, msgid, error, result]}: exactly one per request. */
    public static final int TYPE_RESPONSE = 1;
    /** {@code [2, label, args]}: notification; Kong only understands {@link #NOTIFY_SERVER_PID}. */
    public static final int TYPE_NOTIFICATION = 2;
    /** Label of the notification sent on accept; a new pid makes Kong drop cached instances (§4.1). */
    public static final String NOTIFY_SERVER_PID = "serverPid";

    public static final String START_INSTANCE = "plugin.StartInstance";
    public static final String CLOSE_INSTANCE = "plugin.CloseInstance";
    public static final String HANDLE_EVENT = "plugin.HandleEvent";
    public static final String GET_PLUGIN_INFO = "plugin.GetPluginInfo";
    public static final String GET_STATUS = "plugin.GetStatus";
    public static final String INSTANCE_STATUS = "plugin.InstanceStatus";

    /** Every Step variant Kong's get_step_method can pick; all carry {EventId, Data} (§5.3). */
    public static final String STEP = "plugin.Step";

    public static final String STEP_ERROR = "plugin.StepError";
    public static final String STEP_MULTI_MAP = "plugin.StepMultiMap";
    public static final List<String> STEP_METHODS = List.of(
            STEP,
            STEP_ERROR,
            STEP_MULTI_MAP,
            "plugin.StepCredential",
            "plugin.StepConsumer",
            "plugin.StepMemoryStats",
            "plugin.StepRoute",
            "plugin.StepService");

    /** Data value meaning "the handler finished"; Kong stops the Step loop on it. */
    public static final String RET = "ret";

    /** Map keys of the request and result maps. */
    public static final String KEY_NAME = "Name";

    public static final String KEY_CONFIG = "Config";
    public static final String KEY_ID = "Id";
    public static final String KEY_START_TIME = "StartTime";
    public static final String KEY_INSTANCE_ID = "InstanceId";
    public static final String KEY_EVENT_NAME = "EventName";
    public static final String KEY_EVENT_ID = "EventId";
    public static final String KEY_DATA = "Data";
    public static final String KEY_METHOD = "Method";
    public static final String KEY_ARGS = "Args";

    /** PDK calls after which Kong abandons the handler: no Step will ever follow (§5.4). */
    public static final List<String> TERMINAL_METHODS = List.of("kong.response.exit", "kong.response.error");

    /**
     * Prefix of the error for an unknown instance id. Kong 2.3/2.4 match this exact capitalisation,
     * later versions match it lower-cased; either way Kong restarts the instance and reruns the event.
     */
    public static final String NO_PLUGIN_INSTANCE = "No plugin instance ";

    /** The error text Kong turns into "start a new instance and retry". */
    public static String noPluginInstance(long id) {
        return NO_PLUGIN_INSTANCE + id;
    }

    /** True for any {@code plugin.Step*} method, including variants Kong may add via {@code _method}. */
    public static boolean isStep(String method) {
        return method.startsWith(STEP);
    }
}
