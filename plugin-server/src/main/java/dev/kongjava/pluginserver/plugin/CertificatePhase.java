package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.pdk.Kong;

/**
 * Handler of Kong's {@code certificate} phase: implement it and Kong sends {@code plugin.HandleEvent}
 * with {@code EventName "certificate"} for every request that runs the plugin.
 */
@FunctionalInterface
public interface CertificatePhase {
    /**
     * Runs on its own virtual thread; PDK calls on {@code kong} block until Kong answers.
     * An exception is logged with plugin, phase and instance and the event ends cleanly.
     */
    void certificate(Kong kong) throws Exception;
}
