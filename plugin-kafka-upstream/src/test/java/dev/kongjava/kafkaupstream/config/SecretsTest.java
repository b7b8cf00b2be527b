package dev.kongjava.kafkaupstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.tls.ClientCertificate;
import org.junit.jupiter.api.Test;

/** toString() of everything that holds a secret shows a mask instead, so logging any of them is safe. */
class SecretsTest {
    private static final String PASSWORD = "Sasl-Pa55word-4f9c";
    private static final String KEY =
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    private static final String CONFIG =
            "{\"bootstrap_servers\":[{\"host\":\"127.0.0.1\",\"port\":9093}],\"topic\":\"t\","
                    + "\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"SCRAM-SHA-512\",\"user\":\"bob\","
                    + "\"password\":\"" + PASSWORD + "\"},\"security\":{\"ssl\":true}}";

    @Test
    void theConfigRecordTheInstanceConfigAndTheProducerSettingsMaskThePasswordAndTheClientKey() {
        ConfigFields fields = KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", CONFIG);
        KafkaUpstreamConfig config = KafkaUpstreamConfig.from(fields);
        ClientCertificate cert = new ClientCertificate("6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e", "chain", KEY);
        ProducerSettings settings = ProducerSettings.of(config, null, cert);

        for (String shown : new String[] {fields.toString(), config.toString(), settings.toString(), cert.toString()}) {
            assertFalse(shown.contains(PASSWORD), shown);
            assertFalse(shown.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), shown);
        }
        assertTrue(fields.toString().contains("password=[hidden]"), fields.toString());
        assertTrue(settings.toString().contains("sasl.jaas.config=[hidden]"), settings.toString());
        assertTrue(settings.toString().contains("ssl.keystore.key=[hidden]"), settings.toString());
        assertEquals("ClientCertificate[id=6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e, key=[hidden]]", cert.toString());
    }
}
