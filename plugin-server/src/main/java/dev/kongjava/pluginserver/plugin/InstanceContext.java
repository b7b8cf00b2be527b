package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.schema.ConfigValues;
import java.util.Optional;

/** What a new plugin instance learns about itself: its id, its validated config and server flags. */
public interface InstanceContext {
    /** The id returned to Kong in {@code StartInstance}; never reused, also across restarts. */
    int instanceId();

    /** The plugin's name as declared in its {@link PluginDefinition}. */
    String pluginName();

    /** The {@code Config} Kong sent, parsed and validated against the plugin's schema. */
    ConfigValues config();

    /** Value of a {@link ServerFlag} the plugin declared, if it was given on the command line. */
    Optional<String> flag(String name);
}
