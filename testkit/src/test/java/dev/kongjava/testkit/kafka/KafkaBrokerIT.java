package dev.kongjava.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** One secured broker for the whole class; every test writes to its own topic. */
class KafkaBrokerIT {
    private static final String ALICE = "alice";
    private static final String ALICE_PASSWORD = "alice-secret";
    private static KafkaBroker broker;
    private static TlsMaterial tls;

    private String topic;

    @BeforeAll
    static void startBroker() {
        long started = System.nanoTime();
        broker = KafkaBroker.builder()
                .security(true)
                .scramUser(ALICE, ALICE_PASSWORD)
                .plainUser(ALICE, ALICE_PASSWORD)
                .start();
        tls = TlsMaterial.get();
        System.out.printf(
                "secured broker started in %d ms (TLS material generated in %d ms)%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                tls.generationTime().toMillis());
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
    }

    @BeforeEach
    void createTopic(TestInfo test) {
        topic = test.getTestMethod().orElseThrow().getName();
        broker.createTopic(topic, 2);
    }

    @Test
    void plaintextProducerWritesRecordsThatReadRecordsReturns() throws Exception {
        try (TestProducer producer = new TestProducer(broker.clientProperties(Listener.PLAINTEXT))) {
            for (String value : List.of("one", "two", "three")) {
                producer.send(topic, value, value);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 3, Duration.ofSeconds(10));

        assertEquals(Set.of("one", "two", "three"), values(records));
        assertEquals(3, broker.countRecords(topic));
    }

    /**
     * A broker's metadata names a partition's leader a moment before that broker serves it; a
     * produce with acks=0 in that moment is dropped without any error. createTopic waits it out.
     */
    @Test
    void aNewTopicTakesEveryRecordSentWithAcksZeroAsSoonAsCreateTopicReturns() throws Exception {
        Map<String, Object> settings = new HashMap<>(broker.clientProperties(Listener.PLAINTEXT));
        settings.put("acks", "0");
        settings.put("key.serializer", StringSerializer.class.getName());
        settings.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
            for (int round = 0; round < 10; round++) {
                String name = topic + "-" + round;
                broker.createTopic(name, 3);
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(name, "r" + i)).get();
                }
                producer.flush();
                assertEquals(
                        30, broker.readRecords(name, 30, Duration.ofSeconds(15)).size(), "round " + round);
            }
        }
    }

    @Test
    void readRecordsFailsSayingHowManyArrived() throws Exception {
        TestProducer.sendOnce(broker.clientProperties(Listener.PLAINTEXT), topic, "only");

        AssertionError error =
                assertThrows(AssertionError.class, () -> broker.readRecords(topic, 2, Duration.ofMillis(500)));

        assertEquals("expected 2 records in topic " + topic + " within 500 ms, but only 1 arrived", error.getMessage());
    }

    @Test
    void saslPlainLoginWithRightPasswordProduces() throws Exception {
        TestProducer.sendOnce(login(Listener.SASL_PLAINTEXT, "PLAIN", ALICE_PASSWORD), topic, "plain");

        assertEquals(List.of("plain"), readOne(topic));
    }

    @Test
    void saslPlainLoginWithWrongPasswordFailsWithSaslAuthenticationException() throws Exception {
        Map<String, Object> wrongPassword = login(Listener.SASL_PLAINTEXT, "PLAIN", "wrong");

        Exception failure = TestProducer.failOnce(wrongPassword, topic, "x");

        assertInstanceOf(SaslAuthenticationException.class, failure);
        assertEquals(0, broker.countRecords(topic));
    }

    @Test
    void scramSha256LoginWithRightPasswordProduces() throws Exception {
        TestProducer.sendOnce(login(Listener.SASL_PLAINTEXT, "SCRAM-SHA-256", ALICE_PASSWORD), topic, "256");

        assertEquals(List.of("256"), readOne(topic));
    }

    @Test
    void scramSha512LoginWithRightPasswordProduces() throws Exception {
        TestProducer.sendOnce(login(Listener.SASL_PLAINTEXT, "SCRAM-SHA-512", ALICE_PASSWORD), topic, "512");

        assertEquals(List.of("512"), readOne(topic));
    }

    @Test
    void scramSha512LoginWithWrongPasswordFailsWithSaslAuthenticationException() throws Exception {
        Map<String, Object> wrongPassword = login(Listener.SASL_PLAINTEXT, "SCRAM-SHA-512", "wrong");

        Exception failure = TestProducer.failOnce(wrongPassword, topic, "x");

        assertInstanceOf(SaslAuthenticationException.class, failure);
    }

    @Test
    void delegationTokenLoginWithTokenauthProduces() throws Exception {
        DelegationToken token = broker.createDelegationToken(ALICE, ALICE_PASSWORD);
        Map<String, Object> settings = new HashMap<>(broker.clientProperties(Listener.SASL_PLAINTEXT));
        settings.put("sasl.mechanism", "SCRAM-SHA-256");
        settings.put("sasl.jaas.config", token.scramJaasConfig());

        TestProducer.sendOnce(settings, topic, "token");

        assertEquals(List.of("token"), readOne(topic));
    }

    @Test
    void delegationTokenLoginWithoutTokenauthFailsWithSaslAuthenticationException() throws Exception {
        DelegationToken token = broker.createDelegationToken(ALICE, ALICE_PASSWORD);
        Map<String, Object> settings = new HashMap<>(broker.clientProperties(Listener.SASL_PLAINTEXT));
        settings.put("sasl.mechanism", "SCRAM-SHA-256");
        settings.put("sasl.jaas.config", token.scramJaasConfig().replace(" tokenauth=\"true\"", ""));

        assertInstanceOf(SaslAuthenticationException.class, TestProducer.failOnce(settings, topic, "x"));
    }

    @Test
    void sslTrustingTheTestCaPemProduces() throws Exception {
        TestProducer.sendOnce(sslTrusting(tls.caCertificatePem()), topic, "tls");

        assertEquals(List.of("tls"), readOne(topic));
    }

    @Test
    void sslTrustingTheWrongCaFailsTheHandshake() throws Exception {
        Exception failure = TestProducer.failOnce(sslTrusting(tls.wrongCaCertificatePem()), topic, "x");

        assertInstanceOf(SslAuthenticationException.class, failure);
        assertInstanceOf(SSLHandshakeException.class, failure.getCause());
    }

    @Test
    void mtlsWithThePemClientCertificateProduces() throws Exception {
        Map<String, Object> settings = mtlsTrustingCa();
        settings.put("ssl.keystore.type", "PEM");
        settings.put("ssl.keystore.certificate.chain", tls.clientCertificateChainPem());
        settings.put("ssl.keystore.key", tls.clientPrivateKeyPem());

        TestProducer.sendOnce(settings, topic, "mtls");

        assertEquals(List.of("mtls"), readOne(topic));
    }

    @Test
    void mtlsWithoutAClientCertificateIsRefusedWithSslAuthenticationException() throws Exception {
        Exception failure = TestProducer.failOnce(mtlsTrustingCa(), topic, "x");

        assertInstanceOf(SslAuthenticationException.class, failure);
        assertEquals(0, broker.countRecords(topic));
    }

    @Test
    void clientPropertiesConnectAsAdminOnEveryListener() throws Exception {
        for (Listener listener : Listener.values()) {
            TestProducer.sendOnce(broker.clientProperties(listener), topic, listener.name());
        }

        assertEquals(
                Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SSL", "MTLS", "SASL_SSL"),
                values(broker.readRecords(topic, 5, Duration.ofSeconds(10))));
    }

    @Test
    void topicWithAnAclForAnotherUserDeniesAliceWithTopicAuthorizationException() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties(Listener.PLAINTEXT))) {
            AclBinding bobMayWrite = new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:bob", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
            admin.createAcls(List.of(bobMayWrite)).all().get();
        }
        Map<String, Object> alice = login(Listener.SASL_PLAINTEXT, "SCRAM-SHA-256", ALICE_PASSWORD);

        Exception failure = TestProducer.failOnce(alice, topic, "x");

        assertInstanceOf(TopicAuthorizationException.class, failure);
        TestProducer.sendOnce(broker.clientProperties(Listener.SASL_PLAINTEXT), topic, "admin may write");
    }

    @Test
    void everyListenerHasItsOwnLoopbackPort() {
        Set<Integer> ports = broker.listeners().stream().map(broker::port).collect(Collectors.toSet());

        assertEquals(5, ports.size());
        assertEquals("127.0.0.1:" + broker.port(Listener.MTLS), broker.bootstrap(Listener.MTLS));
        assertNotEquals(broker.port(Listener.SSL), broker.port(Listener.MTLS));
        assertTrue(broker.isRunning());
    }

    private static Map<String, Object> login(Listener listener, String mechanism, String password) {
        Map<String, Object> settings = new HashMap<>(broker.clientProperties(listener));
        settings.putAll(ClientSettings.saslLogin(mechanism, new Credential(ALICE, password)));
        return settings;
    }

    private static Map<String, Object> sslTrusting(String caPem) {
        return pemTrust(Listener.SSL, caPem);
    }

    private static Map<String, Object> mtlsTrustingCa() {
        return pemTrust(Listener.MTLS, tls.caCertificatePem());
    }

    private static Map<String, Object> pemTrust(Listener listener, String caPem) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrap(listener));
        settings.put("security.protocol", "SSL");
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.certificates", caPem);
        return settings;
    }

    private static Set<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return Set.copyOf(TestRecords.values(records));
    }

    private static List<String> readOne(String topic) {
        return TestRecords.values(broker.readRecords(topic, 1, Duration.ofSeconds(10)));
    }
}
