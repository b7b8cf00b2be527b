package dev.kongjava.pluginserver.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A check across fields, declared once in Kong's own vocabulary (the entity checks of
 * Kong's schema validator, unchanged from Kong 3.0 to 3.9). It is written into the dump's
 * {@code entity_checks}, so Kong refuses a config that fails it when the config is written (Admin
 * API, decK, {@code kong.yml}); StartInstance checks it again with Kong's message; and it is one line
 * of the README. Paths are dotted config paths ({@code "authentication.user"}); the dump gives them
 * Kong's {@code config.} prefix, and Kong's messages name them so.
 */
public final class EntityCheck {
    /** Where Kong puts a plugin's config in the plugins entity; entity check paths start with it. */
    static final String CONFIG_PREFIX = "config.";

    private enum Kind {
        AT_LEAST_ONE_OF(
                "at_least_one_of",
                "at least one of these fields must be non-empty: %s",
                "at least one of these must be set: %s",
                (set, all) -> set >= 1),
        ONLY_ONE_OF(
                "only_one_of",
                "exactly one of these fields must be non-empty: %s",
                "exactly one of these must be set: %s",
                (set, all) -> set == 1),
        MUTUALLY_REQUIRED(
                "mutually_required",
                "all or none of these fields must be set: %s",
                "all or none of these must be set: %s",
                (set, all) -> set == 0 || set == all),
        MUTUALLY_EXCLUSIVE(
                "mutually_exclusive",
                "only one or none of these fields must be set: %s",
                "at most one of these may be set: %s",
                (set, all) -> set <= 1),
        CONDITIONAL("conditional", "failed conditional validation given value of field '%s'", null, null);

        final String kongName;
        final String kongMessage;
        final @Nullable String readme;
        final @Nullable Count passes;

        Kind(String kongName, String kongMessage, @Nullable String readme, @Nullable Count passes) {
            this.kongName = kongName;
            this.kongMessage = kongMessage;
            this.readme = readme;
            this.passes = passes;
        }
    }

    /** Whether a presence check passes, given how many of its fields are non-empty. */
    private interface Count {
        boolean passes(long nonEmpty, int all);
    }

    private final Kind kind;
    private final List<String> paths;
    private final @Nullable Match ifMatch;
    private final @Nullable Match thenMatch;

    private EntityCheck(Kind kind, List<String> paths, @Nullable Match ifMatch, @Nullable Match thenMatch) {
        this.kind = kind;
        this.paths = List.copyOf(paths);
        this.ifMatch = ifMatch;
        this.thenMatch = thenMatch;
    }

    /** Kong {@code at_least_one_of}: at least one field is non-empty (false counts as set, as in Kong). */
    public static EntityCheck atLeastOneOf(String... paths) {
        return new EntityCheck(Kind.AT_LEAST_ONE_OF, List.of(paths), null, null);
    }

    /** Kong {@code only_one_of}: exactly one field is non-empty. */
    public static EntityCheck onlyOneOf(String... paths) {
        return new EntityCheck(Kind.ONLY_ONE_OF, List.of(paths), null, null);
    }

    /** Kong {@code mutually_required}: all fields are non-empty, or none. */
    public static EntityCheck mutuallyRequired(String... paths) {
        return new EntityCheck(Kind.MUTUALLY_REQUIRED, List.of(paths), null, null);
    }

    /** Kong {@code mutually_exclusive}: at most one field is non-empty. */
    public static EntityCheck mutuallyExclusive(String... paths) {
        return new EntityCheck(Kind.MUTUALLY_EXCLUSIVE, List.of(paths), null, null);
    }

    /**
     * Kong {@code conditional}: when {@code ifField} passes {@code ifMatch}, {@code thenField} must pass
     * {@code thenMatch}, e.g. {@code conditional("authentication.strategy", Match.eq("sasl"),
     * "authentication.user", Match.required())}.
     */
    public static EntityCheck conditional(String ifField, Match ifMatch, String thenField, Match thenMatch) {
        return new EntityCheck(
                Kind.CONDITIONAL,
                List.of(ifField, thenField),
                Objects.requireNonNull(ifMatch, "ifMatch"),
                Objects.requireNonNull(thenMatch, "thenMatch"));
    }

    private Match ifMatch() {
        return Objects.requireNonNull(ifMatch, "only a conditional has if_match");
    }

    private Match thenMatch() {
        return Objects.requireNonNull(thenMatch, "only a conditional has then_match");
    }

    /** One line for the README, e.g. "authentication.user must be set when authentication.strategy is sasl". */
    public String description() {
        if (kind == Kind.CONDITIONAL) {
            return paths.get(1) + " must be " + thenMatch().describe() + " when " + paths.get(0) + " is "
                    + ifMatch().describe();
        }
        return Objects.requireNonNull(kind.readme, "set for every kind but a conditional")
                .formatted(String.join(", ", paths));
    }

    /** {@code {"<kind>": <argument>}}, one element of the dump's {@code entity_checks}. */
    Map<String, Object> toKong() {
        if (kind != Kind.CONDITIONAL) {
            return Map.of(
                    kind.kongName, paths.stream().map(p -> CONFIG_PREFIX + p).toList());
        }
        Map<String, Object> arg = new LinkedHashMap<>();
        arg.put("if_field", CONFIG_PREFIX + paths.get(0));
        arg.put("if_match", ifMatch().toKong());
        arg.put("then_field", CONFIG_PREFIX + paths.get(1));
        arg.put("then_match", thenMatch().toKong());
        return Map.of(kind.kongName, arg);
    }

    /**
     * What Kong would report for {@code config}: the field to blame (null for the whole config) and
     * the text. {@code fieldAt} finds a path's field: Kong's matches inherit its {@code err}.
     */
    Optional<ConfigRule.Violation> check(ConfigValues config, Function<String, Field> fieldAt) {
        if (kind != Kind.CONDITIONAL) {
            long set = paths.stream().filter(p -> nonEmpty(config.get(p))).count();
            Count passes = Objects.requireNonNull(kind.passes, "set for every kind but a conditional");
            return passes.passes(set, paths.size())
                    ? Optional.empty()
                    : Optional.of(new ConfigRule.Violation(null, kind.kongMessage.formatted(quoted(paths))));
        }
        boolean allMissing = paths.stream().allMatch(p -> underNullRecord(config, p));
        if (allMissing || ifMatch().error(config.get(paths.get(0))).isPresent()) {
            return Optional.empty(); // Kong skips a conditional whose fields are all missing
        }
        Object then = config.get(paths.get(1));
        // Kong answers a then_match with required=true and a null value before running its validators
        String err = fieldAt.apply(paths.get(1)).err;
        Optional<String> error = thenMatch().isRequired() && then == null
                ? Optional.of("required field missing")
                : thenMatch().error(then).map(e -> then != null && err != null ? err : e);
        String entity = kind.kongMessage.formatted(CONFIG_PREFIX + paths.get(0));
        return error.map(e -> new ConfigRule.Violation(paths.get(1), e + " (" + entity + ")"));
    }

    /** Declaration problems: paths that name no field or pass an optional record, matches that do not fit. */
    void checkDeclaration(List<Field> fields, List<String> problems) {
        List<@Nullable Field> resolved = new ArrayList<>();
        for (String path : paths) {
            resolved.add(resolve(fields, path, problems));
        }
        if (kind == Kind.CONDITIONAL) {
            misfits(resolved.get(0), ifMatch(), problems);
            misfits(resolved.get(1), thenMatch(), problems);
        }
    }

    private void misfits(@Nullable Field field, Match match, List<String> problems) {
        if (field != null && !match.misfits(field.type).isEmpty()) {
            problems.add(kind.kongName + " on " + field.type.kongName() + " field " + field.name + ": "
                    + String.join(", ", match.misfits(field.type)) + " does not fit");
        }
    }

    /**
     * The field at {@code path}. Kong reads entity check fields through records that exist: an
     * optional record that is null would make Kong answer "field required for entity check". Only a
     * conditional may pass an optional record, and only one that holds all of its fields: when that
     * record is null every field is missing, and Kong skips such a conditional.
     */
    private @Nullable Field resolve(List<Field> fields, String path, List<String> problems) {
        Field found = ConfigSchema.find(fields, path);
        if (found == null) {
            problems.add(kind.kongName + " names " + path + ", which is not a config field");
            return null;
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            String record = path.substring(0, dot);
            boolean holdsAll = paths.stream().allMatch(p -> p.startsWith(record + "."));
            Field holder = ConfigSchema.find(fields, record);
            if (holder != null && !holder.required && !(kind == Kind.CONDITIONAL && holdsAll)) {
                problems.add(kind.kongName + " names " + path + " inside the optional record " + record
                        + "; entity checks need required records");
            }
        }
        return found;
    }

    /** Whether a record that holds {@code path} is null, so the field is missing rather than null. */
    private static boolean underNullRecord(ConfigValues config, String path) {
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (config.get(path.substring(0, dot)) == null) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonEmpty(@Nullable Object value) {
        return value != null
                && !(value instanceof String s && s.isEmpty())
                && !(value instanceof Collection<?> c && c.isEmpty())
                && !(value instanceof Map<?, ?> m && m.isEmpty());
    }

    private static String quoted(List<String> paths) {
        return String.join(
                ", ", paths.stream().map(p -> "'" + CONFIG_PREFIX + p + "'").toList());
    }

    @Override
    public String toString() {
        return toKong().toString();
    }
}
