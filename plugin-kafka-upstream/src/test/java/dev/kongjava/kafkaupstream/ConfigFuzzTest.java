package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kongjava.pluginserver.plugin.InstanceContext;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * Any text as StartInstance's {@code Config}: the kafka-upstream schema accepts it and the instance
 * starts, or it is refused with a message that names the plugin (ours) or Kafka's own
 * configuration error. Never another exception, which Kong would only see as "starting an instance
 * failed: null". Seeds in {@code ConfigFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConfigFuzzTest {
    private static final PluginDefinition DEFINITION = new KafkaUpstreamPlugin(new ProducerPool()).define();

    private record Context(int instanceId, String pluginName, ConfigValues config) implements InstanceContext {
        @Override
        public Optional<String> flag(String name) {
            return Optional.empty();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyConfigTextStartsAnInstanceOrIsRefusedWithANamedConfigError(byte[] input) throws Exception {
        String json = new String(input, StandardCharsets.UTF_8);
        Object handler;
        try {
            ConfigValues config = DEFINITION.schema().parse("kafka-upstream", json);
            DEFINITION.schema().unknownKeys("kafka-upstream", json);
            handler = DEFINITION.factory().create(new Context(1, "kafka-upstream", config));
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith("Invalid value ") || e.getMessage().startsWith("Invalid configuration "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(" of plugin kafka-upstream"), e.getMessage());
            return;
        } catch (KafkaException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "Kafka's refusal has a message");
            return;
        } catch (RuntimeException e) {
            fail("StartInstance with " + json + " failed with " + e, e);
            return;
        }
        if (handler instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
