package dev.kongjava.bench;

import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's one Kafka broker, in its own JVM so it never shares a heap or GC with a driver:
 * the test kit's KRaft broker on a free 127.0.0.1 port. Prints {@code bootstrap=<host:port>} on
 * stdout once it serves, then runs until SIGTERM.
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws InterruptedException {
        KafkaBroker broker = KafkaBroker.builder()
                .brokerProperty("auto.create.topics.enable", "false")
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("bootstrap=" + broker.bootstrap(Listener.PLAINTEXT));
        System.out.flush();
        stopped.await();
    }
}
