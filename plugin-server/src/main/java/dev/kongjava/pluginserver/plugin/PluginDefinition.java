package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.schema.ConfigSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything Kong and the server need to know about one plugin, declared once and immutable:
 * name, version, priority, config schema, handler type (whose phase interfaces give the
 * {@code Phases}) and the factory making a handler per instance.
 *
 * <pre>{@code
 * static final PluginDefinition<HelloConfig> DEFINITION = PluginDefinition.builder("hello")
 *     .version("1.0.0").priority(1000)
 *     .config(HelloConfig.class)
 *     .handler(HelloHandler.class, ctx -> new HelloHandler(ctx.config()))
 *     .build();
 * }</pre>
 *
 * @param <C> the config type each instance receives (see {@link ConfigSchema})
 */
public final class PluginDefinition<C> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");
    private static final Set<String> PROTOCOLS =
            Set.of("grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss");

    private final String name;
    private final String version;
    private final int priority;
    private final ConfigSchema<C> schema;
    private final List<String> protocols;
    private final List<ServerFlag> flags;
    private final InstanceFactory<C, ?> factory;
    private final List<Phase> phases;
    private final @Nullable ServerHook serverHook;

    private PluginDefinition(Builder<C> b) {
        this.name = b.name;
        this.version = b.version;
        this.priority = b.priority;
        this.schema = b.schema;
        this.protocols = List.copyOf(b.protocols);
        this.flags = List.copyOf(b.flags);
        this.factory = Objects.requireNonNull(b.factory, "checked by build()");
        this.phases = Phase.implementedBy(Objects.requireNonNull(b.handlerType, "checked by build()"));
        this.serverHook = b.serverHook;
    }

    /** A definition without config until {@link Builder#config} or {@link Builder#schema} sets one. */
    public static Builder<ConfigSchema.NoConfig> builder(String name) {
        return new Builder<>(name, ConfigSchema.EMPTY);
    }

    /** The plugin name: Kong's {@code plugins =} entry and the dump's {@code Name}. */
    public String name() {
        return name;
    }

    /** The dump's {@code Version}: at most three numeric components (Kong 3.0+ checks it). */
    public String version() {
        return version;
    }

    /** The dump's {@code Priority}: higher runs earlier within a phase. */
    public int priority() {
        return priority;
    }

    /** The config schema: its settings table, and {@link ConfigSchema#read} to check a config as StartInstance does. */
    public ConfigSchema<C> schema() {
        return schema;
    }

    /** Protocols the plugin may run on; empty means Kong's default for plugins. */
    public List<String> protocols() {
        return protocols;
    }

    /** Extra command-line flags of this plugin's server. */
    public List<ServerFlag> flags() {
        return flags;
    }

    /** Phases the handler implements, in Kong's order: the dump's {@code Phases}. */
    public List<Phase> phases() {
        return phases;
    }

    // The two below are the server's (internal.instance.ApiAccess reads them), not the author's.

    InstanceFactory<C, ?> factory() {
        return factory;
    }

    /** What the plugin does once at server start, or null. */
    @Nullable
    ServerHook serverHook() {
        return serverHook;
    }

    /** Collects the parts; {@link #build()} checks all of them and reports every problem at once. */
    public static final class Builder<C> {
        private final String name;
        private String version = "0.1.0";
        private int priority;
        private final ConfigSchema<C> schema;
        private final List<String> protocols = new ArrayList<>();
        private final List<ServerFlag> flags = new ArrayList<>();
        private @Nullable Class<?> handlerType;
        private @Nullable InstanceFactory<C, ?> factory;
        private @Nullable ServerHook serverHook;

        private Builder(String name, ConfigSchema<C> schema) {
            this.name = name;
            this.schema = schema;
        }

        public Builder<C> version(String version) {
            this.version = version;
            return this;
        }

        public Builder<C> priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** The config: a record whose components are the fields (see {@link ConfigSchema#of}). */
        public <R extends Record> Builder<R> config(Class<R> type) {
            return schema(ConfigSchema.of(type));
        }

        /** The config, with checks across fields; set it before {@link #handler}, whose factory reads it. */
        public <C2> Builder<C2> schema(ConfigSchema<C2> schema) {
            if (handlerType != null) {
                throw new IllegalStateException("set the config schema before the handler");
            }
            Builder<C2> b = new Builder<>(name, Objects.requireNonNull(schema, "schema"));
            b.version = version;
            b.priority = priority;
            b.protocols.addAll(protocols);
            b.flags.addAll(flags);
            b.serverHook = serverHook;
            return b;
        }

        /** Restricts the protocols (emitted as the sub-schema's {@code protocols} field). */
        public Builder<C> protocols(String... protocols) {
            this.protocols.addAll(List.of(protocols));
            return this;
        }

        public Builder<C> flag(ServerFlag flag) {
            this.flags.add(Objects.requireNonNull(flag, "flag"));
            return this;
        }

        /** The handler class (its phase interfaces decide the phases) and how to make one per instance. */
        public <H> Builder<C> handler(Class<H> type, InstanceFactory<C, ? extends H> factory) {
            this.handlerType = Objects.requireNonNull(type, "type");
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Runs {@code hook} once when the server starts, before it binds the socket; what it returns
         * is every instance's {@link InstanceContext#service}.
         */
        public Builder<C> onServerStart(ServerHook hook) {
            this.serverHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * The definition, once every setting was checked.
         *
         * @throws IllegalStateException listing every problem found
         */
        public PluginDefinition<C> build() {
            List<String> problems = new ArrayList<>();
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add("name '" + name + "' must be lower-case letters, digits, '-' or '_'");
            }
            if (version == null || !VERSION.matcher(version).matches()) {
                problems.add("version '" + version + "' must be x, x.y or x.y.z (Kong 3.x rejects others)");
            }
            for (String protocol : protocols) {
                if (!PROTOCOLS.contains(protocol)) {
                    problems.add(
                            "unknown protocol '" + protocol + "', Kong knows " + new java.util.TreeSet<>(PROTOCOLS));
                }
            }
            if (handlerType == null) {
                problems.add("no handler: call handler(type, factory)");
            } else if (Phase.implementedBy(handlerType).isEmpty()) {
                problems.add("handler " + handlerType.getName()
                        + " implements no phase interface (AccessPhase, LogPhase, …)");
            }
            if (flags.stream().map(ServerFlag::name).distinct().count() != flags.size()) {
                problems.add("duplicate server flag names");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(
                        "invalid plugin definition " + name + ": " + String.join("; ", problems));
            }
            return new PluginDefinition<>(this);
        }
    }
}
