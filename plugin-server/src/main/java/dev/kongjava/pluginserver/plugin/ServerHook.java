package dev.kongjava.pluginserver.plugin;

import java.util.Map;

/**
 * Work a plugin does once per server process, before the socket is bound: read its flags, check
 * files they name, start a side service (e.g. a metrics endpoint). The returned resource is closed
 * when the server stops, after every instance was closed.
 */
@FunctionalInterface
public interface ServerHook {
    /**
     * Runs the hook once, at server start.
     *
     * @param flags values of the plugin's {@link ServerFlag}s given on the command line, by name
     * @throws Exception to refuse to start; the message is shown to the operator
     */
    AutoCloseable start(Map<String, String> flags) throws Exception;
}
