package dev.kongjava.bench;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.Field;

/**
 * {@code bench-noop}: the cheapest plugin our server can run. With {@code calls = 0} it only answers
 * {@code kong.response.exit(200, "ok")} (column (a) of the end-to-end benchmark); with
 * {@code calls = N} it first reads {@code kong.request.get_header("x-bench")} N times (the PDK
 * round-trip benchmark). {@code bench/js/calls/bench-calls.js} is the same plugin for Kong's JS server.
 */
public final class BenchPlugin implements AccessPhase {
    static final ConfigSchema<?> SCHEMA = ConfigSchema.builder()
            .add(Field.integer("calls").defaultValue(0).between(0, 1000))
            .build();

    /** The plugin's definition, served by {@link NoopServerMain}. */
    public static final PluginDefinition<?> DEFINITION = PluginDefinition.builder("bench-noop")
            .version("1.0.0").priority(1000)
            .schema(SCHEMA)
            .handler(BenchPlugin.class, ctx -> new BenchPlugin(ctx.config()))
            .build();

    private final int calls;

    BenchPlugin(ConfigValues config) {
        this.calls = config.integer("calls");
    }

    @Override
    public void access(Kong kong) {
        for (int i = 0; i < calls; i++) {
            kong.request().getHeader("x-bench");
        }
        kong.response().exit(200, "ok");
    }
}
