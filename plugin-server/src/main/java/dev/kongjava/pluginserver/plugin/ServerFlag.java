package dev.kongjava.pluginserver.plugin;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command-line flag a plugin adds to its server, e.g. {@code --kong-admin-url <url>}; its value
 * reaches instances through {@link InstanceContext#flag(String)} and it appears in {@code --help}.
 *
 * @param name flag name without dashes, lower-case words joined by '-'
 * @param valueName placeholder shown in the usage text, e.g. {@code url}
 * @param description one line for {@code --help}
 */
public record ServerFlag(String name, String valueName, String description) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public ServerFlag {
        Objects.requireNonNull(valueName, "valueName");
        Objects.requireNonNull(description, "description");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("server flag name must be lower-case words joined by '-': " + name);
        }
    }
}
