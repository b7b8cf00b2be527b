package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kongjava.pluginserver.schema.ConfigException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.KafkaException;

/**
 * Any text as StartInstance's {@code Config}: the kafka-upstream schema accepts it and the instance
 * starts, or it is refused with a message that names the plugin (ours) or Kafka's own
 * configuration error. Never another exception, which Kong would only see as "starting an instance
 * failed: null". Seeds in {@code ConfigFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void anyConfigTextStartsAnInstanceOrIsRefusedWithANamedConfigError(byte[] input) throws Exception {
        String json = new String(input, StandardCharsets.UTF_8);
        try {
            KongWrites.startInstance(json);
        } catch (ConfigException e) {
            assertTrue(
                    e.getMessage().startsWith("Invalid value ")
                            || e.getMessage().startsWith("Invalid configuration "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(" of plugin kafka-upstream"), e.getMessage());
        } catch (KafkaException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "Kafka's refusal has a message");
        } catch (RuntimeException e) {
            fail("StartInstance with " + json + " failed with " + e, e);
        }
    }
}
