package dev.kongjava.bench;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ReadAhead;
import dev.kongjava.pluginserver.schema.Between;
import dev.kongjava.pluginserver.schema.Default;

/**
 * {@code bench-noop}: the cheapest plugin our server can run. With {@code calls = 0} it only answers
 * {@code kong.response.exit(200, "ok")} (column (a) of the end-to-end benchmark); with
 * {@code calls = N} it first reads {@code kong.request.get_header("x-bench")} N times (the PDK
 * round-trip benchmark), with {@code read_ahead} declaring those reads as a {@link ReadAhead}.
 * {@code bench/js/calls/bench-calls.js} is the same plugin for Kong's JS server.
 */
public final class BenchPlugin implements AccessPhase, ReadAhead {
    /** {@code calls} reads of the header, declared as a read-ahead when {@code read_ahead}. */
    record Config(
            @Default("0") @Between(min = 0, max = 1000) int calls,
            @Default("false") boolean readAhead) {}

    /** The plugin's definition, served by {@link NoopServerMain}. */
    public static final PluginDefinition<Config> DEFINITION = PluginDefinition.builder("bench-noop")
            .version("1.0.0")
            .priority(1000)
            .config(Config.class)
            .handler(BenchPlugin.class, ctx -> new BenchPlugin(ctx.config()))
            .build();

    private final int calls;
    private final boolean readAhead;

    BenchPlugin(Config config) {
        this.calls = config.calls();
        this.readAhead = config.readAhead();
    }

    @Override
    public void readAhead(Phase phase, Kong kong) {
        for (int i = 0; readAhead && i < calls; i++) {
            kong.request().getHeader("x-bench");
        }
    }

    @Override
    public void access(Kong kong) {
        for (int i = 0; i < calls; i++) {
            kong.request().getHeader("x-bench");
        }
        kong.response().exit(200, "ok");
    }
}
