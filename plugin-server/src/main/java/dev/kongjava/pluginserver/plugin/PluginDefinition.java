package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.schema.ConfigSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything Kong and the server need to know about one plugin, declared once and immutable:
 * name, version, priority, config schema, handler type (whose phase interfaces give the
 * {@code Phases}) and the factory making a handler per instance.
 *
 * <pre>{@code
 * static final PluginDefinition DEFINITION = PluginDefinition.builder("hello")
 *     .version("1.0.0").priority(1000)
 *     .schema(SCHEMA)
 *     .handler(HelloHandler.class, ctx -> new HelloHandler(ctx.config()))
 *     .build();
 * }</pre>
 */
public final class PluginDefinition {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");
    private static final Set<String> PROTOCOLS = Set.of(
            "grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss");

    private final String name;
    private final String version;
    private final int priority;
    private final ConfigSchema schema;
    private final List<String> protocols;
    private final List<ServerFlag> flags;
    private final Class<?> handlerType;
    private final InstanceFactory<?> factory;
    private final List<Phase> phases;
    private final ServerHook serverHook;

    private PluginDefinition(Builder b) {
        this.name = b.name;
        this.version = b.version;
        this.priority = b.priority;
        this.schema = b.schema;
        this.protocols = List.copyOf(b.protocols);
        this.flags = List.copyOf(b.flags);
        this.handlerType = b.handlerType;
        this.factory = b.factory;
        this.phases = Phase.implementedBy(b.handlerType);
        this.serverHook = b.serverHook;
    }

    public static Builder builder(String name) {
        return new Builder(name);
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

    public ConfigSchema schema() {
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

    public Class<?> handlerType() {
        return handlerType;
    }

    public InstanceFactory<?> factory() {
        return factory;
    }

    /** What the plugin does once at server start, or null. */
    public ServerHook serverHook() {
        return serverHook;
    }

    /** Collects the parts; {@link #build()} checks all of them and reports every problem at once. */
    public static final class Builder {
        private final String name;
        private String version = "0.1.0";
        private int priority;
        private ConfigSchema schema = ConfigSchema.EMPTY;
        private final List<String> protocols = new ArrayList<>();
        private final List<ServerFlag> flags = new ArrayList<>();
        private Class<?> handlerType;
        private InstanceFactory<?> factory;
        private ServerHook serverHook;

        private Builder(String name) {
            this.name = name;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder schema(ConfigSchema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** Restricts the protocols (emitted as the sub-schema's {@code protocols} field). */
        public Builder protocols(String... protocols) {
            this.protocols.addAll(List.of(protocols));
            return this;
        }

        public Builder flag(ServerFlag flag) {
            this.flags.add(Objects.requireNonNull(flag, "flag"));
            return this;
        }

        /** The handler class (its phase interfaces decide the phases) and how to make one per instance. */
        public <H> Builder handler(Class<H> type, InstanceFactory<? extends H> factory) {
            this.handlerType = Objects.requireNonNull(type, "type");
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Runs {@code hook} once when the server starts, before it binds the socket. */
        public Builder onServerStart(ServerHook hook) {
            this.serverHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** @throws IllegalStateException listing every problem found */
        public PluginDefinition build() {
            List<String> problems = new ArrayList<>();
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add("name '" + name + "' must be lower-case letters, digits, '-' or '_'");
            }
            if (version == null || !VERSION.matcher(version).matches()) {
                problems.add("version '" + version + "' must be x, x.y or x.y.z (Kong 3.x rejects others)");
            }
            for (String protocol : protocols) {
                if (!PROTOCOLS.contains(protocol)) {
                    problems.add("unknown protocol '" + protocol + "', Kong knows " + new java.util.TreeSet<>(PROTOCOLS));
                }
            }
            if (handlerType == null) {
                problems.add("no handler: call handler(type, factory)");
            } else if (Phase.implementedBy(handlerType).isEmpty()) {
                problems.add("handler " + handlerType.getName() + " implements no phase interface (AccessPhase, LogPhase, …)");
            }
            if (flags.stream().map(ServerFlag::name).distinct().count() != flags.size()) {
                problems.add("duplicate server flag names");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("invalid plugin definition " + name + ": " + String.join("; ", problems));
            }
            return new PluginDefinition(this);
        }
    }
}
