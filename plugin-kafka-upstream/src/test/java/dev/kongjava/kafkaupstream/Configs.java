package dev.kongjava.kafkaupstream;

import java.util.concurrent.atomic.AtomicInteger;

/** Plugin config JSON for tests: bootstrap and topic plus whatever a test adds. */
final class Configs {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private Configs() {}

    /** A fresh topic name per test. */
    static String topic(String prefix) {
        return prefix + "-" + TOPICS.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }

    /** {@code {"bootstrap_servers":[{host,port}],"topic":t, extra}}; {@code extra} is JSON members or "". */
    static String config(String bootstrap, String topic, String extra) {
        int colon = bootstrap.lastIndexOf(':');
        String json = "{\"bootstrap_servers\":[{\"host\":\"" + bootstrap.substring(0, colon) + "\",\"port\":"
                + bootstrap.substring(colon + 1) + "}],\"topic\":\"" + topic + "\"";
        return json + (extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
