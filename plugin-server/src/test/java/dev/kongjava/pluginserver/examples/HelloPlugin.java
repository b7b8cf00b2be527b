package dev.kongjava.pluginserver.examples;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.Field;
import dev.kongjava.pluginserver.server.Main;
import java.util.Map;

/** Greets the caller by the name in a header; the README's "write your own plugin" example. */
public final class HelloPlugin implements AccessPhase {
    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .add(Field.string("greeting").defaultValue("Hello").lenMin(1).doc("The word before the name."))
            .add(Field.string("header").defaultValue("x-name").doc("Request header holding the name."))
            .build();

    public static final PluginDefinition DEFINITION = PluginDefinition.builder("hello")
            .version("1.0.0").priority(1000)
            .schema(SCHEMA)
            .handler(HelloPlugin.class, ctx -> new HelloPlugin(ctx.config().string("greeting"),
                    ctx.config().string("header")))
            .build();

    private final String greeting;
    private final String header;

    HelloPlugin(String greeting, String header) {
        this.greeting = greeting;
        this.header = header;
    }

    @Override
    public void access(Kong kong) {
        String name = kong.request().getHeader(header); // one PDK round trip; null when absent
        kong.response().exit(200, greeting + ", " + (name == null ? "stranger" : name) + "!",
                Map.of("Content-Type", "text/plain"));
    }

    public static void main(String[] args) {
        System.exit(Main.run(args, DEFINITION));
    }
}
