package dev.kongjava.pluginserver.examples;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.LenMin;
import dev.kongjava.pluginserver.server.Main;
import java.util.Map;

/** Greets the caller by the name in a header; the example of docs/pdk-guide.md. */
public final class HelloPlugin implements AccessPhase {
    /** The config, declared once: Kong's schema, its validation and the settings table come from it. */
    public record Config(
            @Doc("The word before the name.") @Default("Hello") @LenMin(1)
            String greeting,

            @Doc("Request header holding the name.") @Default("x-name")
            String header) {}

    public static final PluginDefinition<Config> DEFINITION = PluginDefinition.builder("hello")
            .version("1.0.0")
            .priority(1000)
            .config(Config.class)
            .handler(HelloPlugin.class, ctx -> new HelloPlugin(ctx.config()))
            .build();

    private final Config config;

    HelloPlugin(Config config) {
        this.config = config;
    }

    @Override
    public void access(Kong kong) {
        String name = kong.request().getHeader(config.header()); // one PDK round trip; null when absent
        kong.response()
                .exit(
                        200,
                        config.greeting() + ", " + (name == null ? "stranger" : name) + "!",
                        Map.of("Content-Type", "text/plain"));
    }

    public static void main(String[] args) {
        System.exit(Main.run(args, DEFINITION));
    }
}
