package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.plugin.InstanceContext;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two places a kafka-upstream config is checked: Kong when the config is written (the Lua
 * peer's Kong validation with the schema of the real {@code --dump}, as the Admin API or decK write
 * it) and StartInstance (the schema's parse and the handler factory, in this process).
 */
final class KongWrites implements AutoCloseable {
    private static final PluginDefinition<ConfigValues> DEFINITION = new KafkaUpstreamPlugin(new ProducerPool()).define();

    private final LuaPeer peer;

    private KongWrites(LuaPeer peer) {
        this.peer = peer;
    }

    /** A peer that loads the plugin's dump; no server runs behind it, since nothing is proxied. */
    static KongWrites start(Path dir) throws IOException {
        return new KongWrites(LuaPeer.builder()
                .socketPath(dir.resolve("unused.socket"))
                .queryCommand(JavaProcess.command(KafkaUpstreamMain.class, "--dump"))
                .declarativeConfig("{}")
                .start());
    }

    /** Kong's answer to writing the plugin with {@code configJson}: 200, or 400 with Kong's schema violation body. */
    HttpResponse<String> write(String configJson) {
        return peer.validatePlugin("{\"name\":\"kafka-upstream\",\"config\":" + configJson + "}");
    }

    /**
     * What StartInstance does with {@code configJson}: validate it and create the handler (which
     * checks the Kafka settings); the handler is closed again.
     *
     * @throws dev.kongjava.pluginserver.schema.ConfigException or Kafka's own exception when refused
     */
    static void startInstance(String configJson) throws Exception {
        ConfigValues config = DEFINITION.schema().parse("kafka-upstream", configJson);
        DEFINITION.schema().unknownKeys("kafka-upstream", configJson);
        Object handler = DEFINITION.factory().create(new Context(config));
        if (handler instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public void close() {
        peer.close();
    }

    /** The context of instance 1 of kafka-upstream, without server flags. */
    record Context(ConfigValues config) implements InstanceContext<ConfigValues> {
        @Override
        public int instanceId() {
            return 1;
        }

        @Override
        public String pluginName() {
            return "kafka-upstream";
        }

        @Override
        public Optional<String> flag(String name) {
            return Optional.empty();
        }

        @Override
        public <T> T service(Class<T> type) {
            throw new IllegalStateException("no server services here");
        }
    }
}
