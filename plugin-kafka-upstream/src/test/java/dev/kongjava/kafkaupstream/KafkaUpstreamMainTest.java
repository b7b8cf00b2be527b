package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kafka-upstream's own logging default: kafka-clients at WARN unless the command line says otherwise. */
class KafkaUpstreamMainTest {
    private String before;

    @BeforeEach
    void save() {
        before = System.getProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL);
        } else {
            System.setProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL, before);
        }
    }

    @Test
    void kafkaClientsLogAtWarnByDefault() {
        System.clearProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL);
        KafkaUpstreamMain.quietKafka();
        assertEquals("warn", System.getProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL));
    }

    @Test
    void aLevelGivenOnTheCommandLineWins() {
        System.setProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL, "debug");
        KafkaUpstreamMain.quietKafka();
        assertEquals("debug", System.getProperty(KafkaUpstreamMain.KAFKA_LOG_LEVEL));
    }
}
