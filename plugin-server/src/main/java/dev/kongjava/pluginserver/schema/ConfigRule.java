package dev.kongjava.pluginserver.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A check across fields that Kong's entity checks cannot express from JSON (Kong's bundled plugins
 * use a Lua {@code custom_entity_check} for these): enforced only at {@code StartInstance}, so Kong
 * accepts such a config when it is written. Prefer an {@link EntityCheck} wherever one fits.
 */
public final class ConfigRule {
    private final String description;
    private final Function<ConfigValues, Optional<Violation>> check;

    private ConfigRule(String description, Function<ConfigValues, Optional<Violation>> check) {
        this.description = description;
        this.check = check;
    }

    /** What a rule found wrong: the field to blame (or null for the whole config) and why. */
    public record Violation(@Nullable String field, String rule) {}

    /**
     * A custom rule. {@code check} returns a violation naming field and rule, or empty when fine.
     *
     * @param description shown in the settings table
     */
    public static ConfigRule of(String description, Function<ConfigValues, Optional<Violation>> check) {
        return new ConfigRule(Objects.requireNonNull(description), Objects.requireNonNull(check));
    }

    /**
     * At least one of the boolean fields must be true. Not an entity check: Kong's presence checks
     * count {@code false} as set, and its conditional checks relate two fields only.
     */
    public static ConfigRule atLeastOneTrue(String... paths) {
        List<String> names = Arrays.asList(paths);
        String text = "at least one of these attributes must be true: " + String.join(", ", names);
        return of(
                text,
                config -> names.stream().anyMatch(config::bool)
                        ? Optional.empty()
                        : Optional.of(new Violation(null, text)));
    }

    /** One line for the settings table. */
    public String description() {
        return description;
    }

    Optional<Violation> check(ConfigValues config) {
        return check.apply(config);
    }
}
