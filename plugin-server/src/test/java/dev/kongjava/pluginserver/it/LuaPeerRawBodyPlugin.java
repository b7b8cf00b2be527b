package dev.kongjava.pluginserver.it;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.server.Main;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A plugin that reads the body as PDKs written before Kong 3.8 do: {@code kong.request.get_raw_body}
 * without the {@code max_allowed_file_size} argument that our {@code Request.getRawBody()} always
 * sends. It lets the Lua peer show what Kong does then with a body nginx spooled to a file.
 */
public final class LuaPeerRawBodyPlugin implements AccessPhase {
    static final PluginDefinition<?> DEFINITION = PluginDefinition.builder("raw-body")
            .version("1.0.0")
            .priority(900)
            .schema(ConfigSchema.EMPTY)
            .handler(LuaPeerRawBodyPlugin.class, ctx -> new LuaPeerRawBodyPlugin())
            .build();

    @Override
    public void access(Kong kong) {
        Object value = kong.call("kong.request.get_raw_body");
        byte[] body = value instanceof byte[] bytes
                ? bytes
                : value == null ? new byte[0] : value.toString().getBytes(StandardCharsets.UTF_8);
        kong.response().exit(200, body, Map.of("X-Length", String.valueOf(body.length)));
    }

    /** Runs the plugin as its own server process, as Kong's {@code start_cmd} would. */
    public static void main(String[] args) {
        System.exit(Main.run(args, DEFINITION));
    }
}
