package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.server.Main;

/** {@code java -jar kafka-upstream.jar [options]}: Kong's start_cmd and (with --dump) query_cmd. */
public final class KafkaUpstreamMain {
    private KafkaUpstreamMain() {}

    public static void main(String[] args) {
        // a supplier: building the definition creates loggers, which must see -v first
        System.exit(Main.run(args, KafkaUpstreamPlugin::definition));
    }
}
