package dev.kongjava.pluginserver;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.MultiMap;
import dev.kongjava.pluginserver.pdk.PdkException;
import dev.kongjava.pluginserver.pdk.ServerBusyException;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.LogPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.Between;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.OneOf;
import dev.kongjava.pluginserver.schema.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin whose access behaviour is chosen by its {@code mode} config, for server tests. It
 * reports what it saw into {@link #events} so tests can assert on the plugin's side too.
 */
public final class ProbePlugin implements AccessPhase, LogPhase, AutoCloseable {
    /** What handlers observed: PDK exceptions, values read, closes. */
    public static final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    public static final AtomicInteger closed = new AtomicInteger();

    /** The probe's config: what {@code access} does, and its parameters. */
    public record Config(
            @Default("echo")
            @OneOf({
                "echo",
                "ret",
                "throw",
                "sleep",
                "after-exit",
                "header",
                "headers",
                "query",
                "body",
                "calls",
                "error",
                "json",
                "wait"
            })
            String mode,

            @Default("1") @Between(min = 0, max = 1000) int calls,
            @Default("0") @Between(min = 0, max = 600000) int sleepMs,
            @Secret String secret,
            String releaseFile) {}

    public static final PluginDefinition<Config> DEFINITION = PluginDefinition.builder("probe")
            .version("1.2.3")
            .priority(1000)
            .config(Config.class)
            .handler(ProbePlugin.class, ctx -> new ProbePlugin(ctx.config()))
            .build();

    private final Config config;

    ProbePlugin(Config config) {
        this.config = config;
    }

    @Override
    public void access(Kong kong) throws Exception {
        switch (config.mode()) {
            case "echo" -> echo(kong);
            case "ret" -> {}
            case "throw" -> throw new IllegalStateException("probe failure");
            case "sleep" -> Thread.sleep(config.sleepMs());
            case "after-exit" -> afterExit(kong);
            case "header" -> {
                String value = kong.request().getHeader("x-probe");
                kong.response().exit(200, value == null ? "<nil>" : value);
            }
            case "headers" -> exitWith(kong, kong.request().getHeaders());
            case "query" -> exitWith(kong, kong.request().getQuery());
            case "body" -> {
                byte[] body = kong.request().getRawBody();
                kong.response().exit(200, body, Map.of("X-Length", String.valueOf(body.length)));
            }
            case "calls" -> {
                for (int i = 0; i < config.calls(); i++) {
                    kong.request().getHeader("x-" + i);
                }
                kong.response().exit(204);
            }
            case "error" -> {
                try {
                    kong.request().getRawBody();
                } catch (PdkException e) {
                    events.add(e.getMessage());
                    kong.response().exit(e instanceof ServerBusyException ? 503 : 500, e.getMessage());
                }
            }
            case "json" -> kong.response().exitJson(201, Map.of("ok", true), Map.of("X-Probe", List.of("a", "b")));
            case "wait" -> awaitFile(Path.of(config.releaseFile()));
            default -> throw new IllegalArgumentException(config.mode());
        }
    }

    /** Returns once the test creates {@code file}: an event that runs exactly as long as a test needs. */
    private static void awaitFile(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            Thread.sleep(10);
        }
    }

    private static void echo(Kong kong) {
        String method = kong.request().getMethod();
        String path = kong.request().getPath();
        String body = new String(kong.request().getRawBody(), StandardCharsets.UTF_8);
        kong.response().exit(200, method + " " + path + " " + body, Map.of("Content-Type", "text/plain"));
    }

    private static void exitWith(Kong kong, MultiMap map) {
        Map<String, Object> out = new LinkedHashMap<>(map.asMap());
        kong.response().exitJson(200, out, null);
    }

    private static void afterExit(Kong kong) {
        kong.response().exit(202);
        try {
            kong.request().getMethod();
        } catch (PdkException e) {
            events.add(e.getMessage());
        }
    }

    @Override
    public void log(Kong kong) {
        kong.log().info("logged ", 1);
    }

    @Override
    public void close() {
        closed.incrementAndGet();
        events.add("closed " + config.mode());
    }
}
