package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.ConfigFields;
import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.LocalInstance;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two places a kafka-upstream config is checked: Kong when the config is written (the Lua
 * peer's Kong validation with the schema of the real {@code --dump}, as the Admin API or decK write
 * it) and StartInstance (the config's validation and the handler factory, in this process).
 */
final class KongWrites implements AutoCloseable {
    private static final PluginDefinition<ConfigFields> DEFINITION = KafkaUpstreamPlugin.define(new ProducerPool());
    /** What the server start hook makes without flags; no producer is created by a StartInstance. */
    private static final ServerResources RESOURCES = resources(new ProducerPool());

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
        LocalInstance.start(DEFINITION, configJson, RESOURCES).close();
    }

    @Override
    public void close() {
        peer.close();
    }

    /** What the server start hook makes of {@code pool} without flags. */
    static ServerResources resources(ProducerPool pool) {
        try {
            return ServerResources.start(Map.of(), pool);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
