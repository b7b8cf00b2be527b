package dev.kongjava.pluginserver.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A check across several fields (Kong calls these entity checks), run after every field parsed.
 * Rules live in the server: Kong cannot express all of them in a JSON schema, so they are enforced
 * at {@code StartInstance} and listed in the settings table.
 */
public final class ConfigRule {
    private final String description;
    private final Function<ConfigValues, Optional<Violation>> check;

    private ConfigRule(String description, Function<ConfigValues, Optional<Violation>> check) {
        this.description = description;
        this.check = check;
    }

    /** What a rule found wrong: the field to blame (or null for the whole config) and why. */
    public record Violation(String field, String rule) {}

    /**
     * A custom rule. {@code check} returns a violation naming field and rule, or empty when fine.
     *
     * @param description shown in the settings table
     */
    public static ConfigRule of(String description, Function<ConfigValues, Optional<Violation>> check) {
        return new ConfigRule(Objects.requireNonNull(description), Objects.requireNonNull(check));
    }

    /** At least one of the boolean fields must be true. */
    public static ConfigRule atLeastOneTrue(String... paths) {
        List<String> names = Arrays.asList(paths);
        String text = "at least one of these attributes must be true: " + String.join(", ", names);
        return of(text, config -> names.stream().anyMatch(config::bool)
                ? Optional.empty()
                : Optional.of(new Violation(null, text)));
    }

    /** {@code path} must be set (not null) when {@code whenPath} equals {@code value}. */
    public static ConfigRule requiredWhen(String path, String whenPath, Object value) {
        String text = "required when " + whenPath + " is " + value;
        return of(path + " is " + text, config -> Objects.equals(config.get(whenPath), value) && config.get(path) == null
                ? Optional.of(new Violation(path, text))
                : Optional.empty());
    }

    /** {@code path} may only be set (non-null, not false, not empty) when {@code requiredPath} is true. */
    public static ConfigRule requiresTrue(String path, String requiredPath) {
        String text = "requires " + requiredPath + " to be true";
        return of(path + " " + text, config -> {
            Object value = config.get(path);
            boolean set = value != null && !Boolean.FALSE.equals(value)
                    && !(value instanceof java.util.Collection<?> c && c.isEmpty());
            return set && !config.bool(requiredPath) ? Optional.of(new Violation(path, text)) : Optional.empty();
        });
    }

    /** One line for the settings table. */
    public String description() {
        return description;
    }

    Optional<Violation> check(ConfigValues config) {
        return check.apply(config);
    }
}
