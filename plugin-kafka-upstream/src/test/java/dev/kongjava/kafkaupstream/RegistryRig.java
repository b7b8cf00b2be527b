package dev.kongjava.kafkaupstream;

import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.registry.SchemaRegistryServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/** What a schema_registry test class runs on: a broker, a real registry, the plugin server with FakeKong. */
final class RegistryRig implements AutoCloseable {
    /**
     * A test class with a rig of its own, started once for its tests (classes run one after the
     * other), and a subject named after each test.
     */
    abstract static class PerClass {
        static RegistryRig rig;
        String subject;

        @BeforeAll
        static void startRig() throws IOException {
            rig = RegistryRig.start();
        }

        @AfterAll
        static void stopRig() throws IOException {
            if (rig != null) {
                rig.close();
                rig = null;
            }
        }

        @BeforeEach
        void nameSubject(TestInfo test) {
            subject = test.getTestMethod().orElseThrow().getName() + "-value";
        }
    }

    final KafkaBroker broker;
    final SchemaRegistryServer registry;
    final UpstreamServer server;

    private RegistryRig(KafkaBroker broker, SchemaRegistryServer registry, UpstreamServer server) {
        this.broker = broker;
        this.registry = registry;
        this.server = server;
    }

    static RegistryRig start() throws IOException {
        KafkaBroker broker = KafkaBroker.builder().start();
        try {
            SchemaRegistryServer registry = SchemaRegistryServer.start();
            try {
                return new RegistryRig(broker, registry, UpstreamServer.start());
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The plugin on {@code topic}, sync, with {@code extra} config members. */
    FakeKong.PluginConfig plugin(String topic, String extra) {
        return server.kong.plugin("kafka-upstream", config(topic, extra));
    }

    String config(String topic, String extra) {
        return Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_async\":false," + extra);
    }

    /** A new topic with one partition. */
    String topic() {
        String topic = Configs.topic("registry");
        broker.createTopic(topic, 1);
        return topic;
    }

    @Override
    public void close() throws IOException {
        try (SchemaRegistryServer r = registry;
                KafkaBroker b = broker) {
            server.close();
        }
    }
}
