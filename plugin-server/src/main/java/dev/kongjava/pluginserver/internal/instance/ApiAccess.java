package dev.kongjava.pluginserver.internal.instance;

import static java.lang.invoke.MethodType.methodType;

import dev.kongjava.pluginserver.plugin.InstanceFactory;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerHook;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the server reads from a plugin's declaration and plugin authors never call: the handler
 * factory and server hook of a {@link PluginDefinition}, the parsing steps and Kong sub-schema of a
 * {@link ConfigSchema}. Those members are package-private, so the API does not show them. Java has
 * no friend packages, and a hook the API classes register here would make them depend on this
 * package (a package cycle, which ArchitectureTest forbids), so each member is found once by name
 * through a private lookup within this module. ApiAccessTest calls every one: a renamed member
 * fails the build, not a request.
 */
public final class ApiAccess {
    private static final MethodHandle FACTORY =
            find(PluginDefinition.class, "factory", methodType(InstanceFactory.class));
    private static final MethodHandle SERVER_HOOK =
            find(PluginDefinition.class, "serverHook", methodType(ServerHook.class));
    private static final MethodHandle PARSE =
            find(ConfigSchema.class, "parse", methodType(ConfigValues.class, String.class, String.class));
    private static final MethodHandle BIND =
            find(ConfigSchema.class, "bind", methodType(Object.class, ConfigValues.class));
    private static final MethodHandle UNKNOWN_KEYS =
            find(ConfigSchema.class, "unknownKeys", methodType(List.class, String.class, String.class));
    private static final MethodHandle KONG_SCHEMA =
            find(ConfigSchema.class, "toKongSchema", methodType(Map.class, String.class, List.class));

    private ApiAccess() {}

    /** The factory that makes a handler per instance. */
    @SuppressWarnings("unchecked")
    public static <C> InstanceFactory<C, ?> factory(PluginDefinition<C> definition) {
        return (InstanceFactory<C, ?>) value(FACTORY, definition);
    }

    /** What the plugin runs once at server start, or null. */
    public static @Nullable ServerHook serverHook(PluginDefinition<?> definition) {
        return (ServerHook) call(SERVER_HOOK, definition);
    }

    /**
     * The {@code Config} JSON of StartInstance, validated: defaults applied, every field, entity
     * check and rule checked; the form the server logs (secrets masked) and returns to Kong.
     *
     * @throws dev.kongjava.pluginserver.schema.ConfigException naming plugin, field, value and rule
     */
    public static ConfigValues parse(ConfigSchema<?> schema, String plugin, @Nullable String json) {
        return (ConfigValues) value(PARSE, schema, plugin, json);
    }

    /** The config type's value (a record, or the values themselves) of validated values. */
    @SuppressWarnings("unchecked")
    public static <C> C bind(ConfigSchema<C> schema, ConfigValues values) {
        return (C) value(BIND, schema, values);
    }

    /** Top-level keys of {@code json} that are neither fields nor keys Kong adds; the server warns about them. */
    @SuppressWarnings("unchecked")
    public static List<String> unknownKeys(ConfigSchema<?> schema, String plugin, @Nullable String json) {
        return (List<String>) value(UNKNOWN_KEYS, schema, plugin, json);
    }

    /** The dump's {@code Schema}: {@code {"name":…,"fields":[{"config":{"type":"record",…}}]}}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> kongSchema(ConfigSchema<?> schema, String plugin, List<String> protocols) {
        return (Map<String, Object>) value(KONG_SCHEMA, schema, plugin, protocols);
    }

    private static MethodHandle find(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVirtual(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no " + owner.getSimpleName() + "." + name + type + " to read", e);
        }
    }

    /** A member that never returns null. */
    private static Object value(MethodHandle member, @Nullable Object... args) {
        return Objects.requireNonNull(call(member, args), "the member returns a value");
    }

    /** The member's own unchecked exceptions (a ConfigException) pass through unchanged. */
    private static @Nullable Object call(MethodHandle member, @Nullable Object... args) {
        try {
            return member.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
