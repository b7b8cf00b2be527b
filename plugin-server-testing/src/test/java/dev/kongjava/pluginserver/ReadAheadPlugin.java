package dev.kongjava.pluginserver;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.PdkException;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ReadAhead;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.OneOf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A plugin that reads ahead, its {@code mode} choosing what it reads ahead and what its handler then calls. */
public final class ReadAheadPlugin implements AccessPhase, ReadAhead {
    /** What handlers observed: "started", PDK exceptions, what they hold. */
    public static final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** What it reads ahead and then calls; {@code hold} waits until {@code release_file} exists. */
    public record Config(
            @Default("same") @OneOf({"same", "diverge", "error", "hold", "setter"})
            String mode,

            String releaseFile) {}

    public static final PluginDefinition<Config> DEFINITION = PluginDefinition.builder("read-ahead")
            .version("1.0.0")
            .priority(1000)
            .config(Config.class)
            .handler(ReadAheadPlugin.class, ctx -> new ReadAheadPlugin(ctx.config()))
            .build();

    private final Config config;

    ReadAheadPlugin(Config config) {
        this.config = config;
    }

    @Override
    public void readAhead(Phase phase, Kong kong) {
        switch (config.mode()) {
            case "same" -> {
                kong.request().getMethod();
                kong.request().getHeader("x-probe");
                kong.request().getRawBody();
            }
            case "diverge" -> {
                kong.request().getMethod();
                kong.request().getHeader("x-a");
            }
            case "error" -> {
                kong.request().getMethod();
                kong.request().getRawBody();
                kong.request().getHeader("x-after");
            }
            case "hold" -> {
                kong.request().getRawBody();
                kong.request().getMethod();
            }
            case "setter" -> kong.response().setHeader("x-set", "no");
            default -> throw new IllegalArgumentException(config.mode());
        }
    }

    @Override
    public void access(Kong kong) throws Exception {
        events.add("started");
        switch (config.mode()) {
            case "same" -> {
                String text = kong.request().getMethod() + " " + kong.request().getHeader("x-probe") + " "
                        + new String(kong.request().getRawBody(), StandardCharsets.UTF_8);
                kong.response().exit(200, text);
            }
            case "diverge" ->
                kong.response()
                        .exit(
                                200,
                                kong.request().getMethod() + " "
                                        + kong.request().getHeader("x-b"));
            case "error" -> {
                String method = kong.request().getMethod();
                try {
                    kong.request().getRawBody();
                    kong.response().exit(200, method + " " + kong.request().getHeader("x-after"));
                } catch (PdkException e) {
                    kong.response().exit(500, e.getMessage()); // the header read ahead is never needed
                }
            }
            case "hold" -> {
                byte[] body = kong.request().getRawBody();
                kong.request().getMethod();
                events.add("holding " + body.length);
                while (!Files.exists(Path.of(config.releaseFile()))) {
                    Thread.sleep(10);
                }
                kong.response().exit(200);
            }
            default -> throw new IllegalArgumentException(config.mode());
        }
    }
}
