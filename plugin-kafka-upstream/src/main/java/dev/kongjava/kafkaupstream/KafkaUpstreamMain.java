package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.server.Main;

/** {@code java -jar kafka-upstream.jar [options]}: Kong's start_cmd and (with --dump) query_cmd. */
public final class KafkaUpstreamMain {
    /** slf4j-simple's level for kafka-clients' loggers. */
    static final String KAFKA_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.apache.kafka";

    private KafkaUpstreamMain() {}

    public static void main(String[] args) {
        quietKafka();
        // a supplier: building the definition creates loggers, which must see -v first
        System.exit(Main.run(args, KafkaUpstreamPlugin::definition));
    }

    /**
     * kafka-clients logs every producer's full config at INFO: keep Kong's log readable with WARN.
     * slf4j-simple reads its levels when the first logger is made, so this runs before anything
     * logs; a {@code -D} on the command line wins.
     */
    static void quietKafka() {
        if (System.getProperty(KAFKA_LOG_LEVEL) == null) {
            System.setProperty(KAFKA_LOG_LEVEL, "warn");
        }
    }
}
