package dev.kongjava.kafkaupstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.tls.ClientCertificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The seed's config → kafka-clients mapping, pinned (spec B4.2). */
class ProducerSettingsTest {
    static KafkaUpstreamConfig config(String json) {
        return KafkaUpstreamConfig.from(KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json));
    }

    static final String MINIMAL =
            "{\"bootstrap_servers\":[{\"host\":\"k1\",\"port\":9092},{\"host\":\"::1\",\"port\":9093}],"
                    + "\"topic\":\"t\"";

    @Test
    void theSeedDefaultsMapToTheseKafkaSettings() {
        Map<String, Object> expected = new TreeMap<>();
        expected.put("acks", "1");
        expected.put("batch.size", 204800);
        expected.put("bootstrap.servers", "k1:9092,[::1]:9093");
        expected.put("buffer.memory", 16777216L);
        expected.put("client.id", "c");
        expected.put("compression.type", "none");
        expected.put("connections.max.idle.ms", 60000L);
        expected.put("delivery.timeout.ms", 22000);
        expected.put("enable.idempotence", false);
        expected.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        expected.put("linger.ms", 1000);
        expected.put("max.block.ms", 2000L);
        expected.put("max.request.size", 1048576);
        expected.put("request.timeout.ms", 2000);
        expected.put("retries", 9);
        expected.put("retry.backoff.max.ms", 100L);
        expected.put("retry.backoff.ms", 100L);
        expected.put("security.protocol", "PLAINTEXT");
        expected.put("socket.connection.setup.timeout.max.ms", 10000L);
        expected.put("socket.connection.setup.timeout.ms", 10000L);
        expected.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        assertEquals(
                expected, ProducerSettings.of(config(MINIMAL + "}"), null, null).toMap("c"));
    }

    @Test
    void syncModeDoesNotLingerAndAcksAllIsIdempotent() {
        ProducerSettings s = ProducerSettings.of(
                config(MINIMAL + ",\"producer_async\":false,\"producer_request_acks\":-1}"), null, null);
        assertEquals(0, s.get("linger.ms"));
        assertEquals("all", s.get("acks"));
        assertEquals(true, s.get("enable.idempotence"));
        assertEquals(21000, s.get("delivery.timeout.ms"), "10 attempts x (2000 + 100)");
    }

    @Test
    void saslGoesIntoTheJaasConfigWithQuotesEscapedAndIsNeverShown() {
        ProducerSettings s = ProducerSettings.of(
                config(
                        MINIMAL + ",\"authentication\":{\"strategy\":\"sasl\","
                                + "\"mechanism\":\"SCRAM-SHA-512\",\"user\":\"alice\",\"password\":\"p\\\"w\\\\d\"},\"security\":{\"ssl\":true}}"),
                "-----BEGIN CERTIFICATE-----",
                null);
        assertEquals("SASL_SSL", s.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", s.get("sasl.mechanism"));
        assertEquals(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
                        + "password=\"p\\\"w\\\\d\";",
                s.get("sasl.jaas.config"));
        assertEquals("https", s.get("ssl.endpoint.identification.algorithm"));
        assertEquals("PEM", s.get("ssl.truststore.type"));
        assertFalse(s.toString().contains("p\\\"w"), s.toString());
        assertTrue(s.toString().contains("sasl.jaas.config=[hidden]"), s.toString());
    }

    @Test
    void anyCredentialTextReachesKafkasJaasParserIntact() {
        java.util.Random random = new java.util.Random(42);
        List<String> texts = new java.util.ArrayList<>(List.of(
                "line1\nline2",
                "a\r\nb",
                "q\"uo\\te\\",
                "\\n",
                "tab\tend",
                "x=y; required z=\"w\"",
                "\u00e9\u4e2d\ud83d\ude00",
                ""));
        for (int i = 0; i < 200; i++) {
            StringBuilder t = new StringBuilder();
            for (int n = random.nextInt(20); n > 0; n--) {
                t.append((char) random.nextInt(128));
            }
            texts.add(t.toString());
        }
        for (String text : texts) {
            String jaas = ProducerSettings.jaas(new KafkaUpstreamConfig.Sasl("PLAIN", "u" + text, text, false));
            Map<String, ?> options = org.apache.kafka.common.security.JaasContext.loadClientContext(
                            Map.of("sasl.jaas.config", new org.apache.kafka.common.config.types.Password(jaas)))
                    .configurationEntries()
                    .get(0)
                    .getOptions();
            assertEquals("u" + text, options.get("username"), jaas);
            assertEquals(text, options.get("password"), jaas);
        }
    }

    @Test
    void delegationTokensUseScramWithTokenauth() {
        ProducerSettings s = ProducerSettings.of(
                config(
                        MINIMAL + ",\"authentication\":{\"strategy\":\"sasl\","
                                + "\"mechanism\":\"SCRAM-SHA-256\",\"tokenauth\":true,\"user\":\"tokenid\",\"password\":\"hmac\"}}"),
                null,
                null);
        assertEquals("SASL_PLAINTEXT", s.get("security.protocol"));
        assertEquals(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tokenid\" "
                        + "password=\"hmac\" tokenauth=\"true\";",
                s.get("sasl.jaas.config"));
    }

    @Test
    void aClientCertificateBecomesAPemKeyStoreWhoseKeyIsNeverShown() {
        ProducerSettings s = ProducerSettings.of(
                config(MINIMAL + ",\"security\":{\"ssl\":true,"
                        + "\"certificate_id\":\"6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e\"}}"),
                null,
                new ClientCertificate("id", "CHAIN", "-----BEGIN PRIVATE KEY-----secret"));
        assertEquals("SSL", s.get("security.protocol"));
        assertEquals("PEM", s.get("ssl.keystore.type"));
        assertEquals("CHAIN", s.get("ssl.keystore.certificate.chain"));
        assertFalse(s.toString().contains("secret"), s.toString());
    }

    @Test
    void equalConfigsShareSettingsAndDifferentOnesDoNot() {
        assertEquals(
                ProducerSettings.of(config(MINIMAL + "}"), null, null),
                ProducerSettings.of(config(MINIMAL + ",\"forward_method\":true}"), null, null),
                "forward flags do not change the producer");
        assertNotEquals(
                ProducerSettings.of(config(MINIMAL + "}"), null, null),
                ProducerSettings.of(config(MINIMAL + ",\"producer_request_acks\":0}"), null, null));
    }

    @Test
    void oauthBearerUsesKafkasLoginHandlerWithTheSecretOutsideTheJaasTextAndNeverShown() {
        String oauth = ",\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"OAUTHBEARER\",\"oauthbearer\":{"
                + "\"token_endpoint_url\":\"https://idp/token\",\"client_id\":\"kong\",\"client_secret\":\"Oauth-S3cret\","
                + "\"scopes\":[\"kafka\",\"audit\"],\"extensions\":{\"logicalCluster\":\"lkc \\\"1\\\"\",\"pool\":\"p\\n2\"}";
        ProducerSettings s = ProducerSettings.of(config(MINIMAL + oauth + "}}}"), null, null);

        Map<String, Object> expected = new TreeMap<>();
        expected.put("sasl.mechanism", "OAUTHBEARER");
        expected.put(
                "sasl.login.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler");
        expected.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                        + "extension_logicalCluster=\"lkc \\\"1\\\"\" extension_pool=\"p\\n2\";");
        expected.put("sasl.oauthbearer.token.endpoint.url", "https://idp/token");
        expected.put("sasl.oauthbearer.client.credentials.client.id", "kong");
        expected.put("sasl.oauthbearer.client.credentials.client.secret", "Oauth-S3cret");
        expected.put("sasl.oauthbearer.scope", "kafka audit");
        expected.put("sasl.login.connect.timeout.ms", 10000);
        expected.put("sasl.login.read.timeout.ms", 2000);
        expected.put("sasl.login.retry.backoff.ms", 100L);
        expected.put("sasl.login.retry.backoff.max.ms", 2000L);
        Map<String, Object> actual = new TreeMap<>(s.toMap("c"));
        actual.keySet().retainAll(expected.keySet());
        assertEquals(expected, actual);
        assertEquals("SASL_PLAINTEXT", s.get("security.protocol"));
        assertFalse(s.toString().contains("Oauth-S3cret"), s.toString());
        assertFalse(config(MINIMAL + oauth + "}}}").toString().contains("Oauth-S3cret"));
        // Kafka's JAAS parser reads the extensions back intact
        Map<String, ?> options = org.apache.kafka.common.security.JaasContext.loadClientContext(
                        Map.of("sasl.jaas.config", new org.apache.kafka.common.config.types.Password((String)
                                s.get("sasl.jaas.config"))))
                .configurationEntries()
                .get(0)
                .getOptions();
        assertEquals(Map.of("extension_logicalCluster", "lkc \"1\"", "extension_pool", "p\n2"), options);
        // and the settings are valid for a producer
        new org.apache.kafka.clients.producer.ProducerConfig(s.toMap("validation"));
    }

    @Test
    void anUnverifiedTokenEndpointGetsTheTrustAllFactoryInItsJaasOptionsOnly() {
        String oauth = ",\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"OAUTHBEARER\",\"oauthbearer\":{"
                + "\"token_endpoint_url\":\"https://idp/token\",\"client_id\":\"kong\",\"client_secret\":\"s\","
                + "\"token_endpoint_tls_verify\":false}}}";
        ProducerSettings s = ProducerSettings.of(config(MINIMAL + oauth), null, null);
        assertEquals(
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                        + "ssl.engine.factory.class=\"dev.kongjava.kafkaupstream.tls.TrustAllTokenEndpoint\";",
                s.get("sasl.jaas.config"));
        assertEquals(null, s.get("ssl.engine.factory.class"), "the brokers are still verified");
    }
}
