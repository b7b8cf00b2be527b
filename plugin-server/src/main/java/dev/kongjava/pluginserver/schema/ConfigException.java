package dev.kongjava.pluginserver.schema;

import dev.kongjava.pluginserver.internal.LogText;
import org.jspecify.annotations.Nullable;

/**
 * A plugin config that does not satisfy its schema. The message names the plugin, the field, the
 * offending value (masked for secrets, cut to {@value LogText#MAX_QUOTED} characters) and the rule, e.g.
 * {@code Invalid value 0 for configuration timeout of plugin kafka-upstream: value should be between 1 and 3600000}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String field;

    /** A field-level problem; {@code shownValue} is already rendered (and masked if secret). */
    public ConfigException(String plugin, String field, String shownValue, String rule) {
        super("Invalid value " + LogText.cap(shownValue) + " for configuration " + LogText.cap(field) + " of plugin "
                + plugin + ": " + rule);
        this.field = field;
    }

    /** A problem with the config as a whole (not JSON, or a rule across several fields). */
    public ConfigException(String plugin, String problem) {
        super("Invalid configuration of plugin " + plugin + ": " + problem);
        this.field = null;
    }

    /** Dotted path of the offending field, or {@code null} for whole-config problems. */
    public @Nullable String field() {
        return field;
    }
}
