package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.pdk.Kong;

/**
 * Handler of Kong's {@code response} phase: implement it and Kong sends {@code plugin.HandleEvent}
 * with {@code EventName "response"} for every request that runs the plugin.
 */
@FunctionalInterface
public interface ResponsePhase {
    /**
     * Runs on its own virtual thread; PDK calls on {@code kong} block until Kong answers.
     * An exception is logged with plugin, phase and instance and the event ends cleanly.
     */
    void response(Kong kong) throws Exception;
}
