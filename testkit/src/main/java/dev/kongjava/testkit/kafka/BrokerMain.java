package dev.kongjava.testkit.kafka;

import java.io.IOException;

/**
 * Runs a {@link KafkaBroker} (PLAINTEXT only) as its own process for {@link BrokerProcess}: prints
 * {@code bootstrap=<host:port>} once it serves, then runs until its standard input closes, so it
 * never outlives the JVM that started it.
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws IOException {
        try (KafkaBroker broker = KafkaBroker.builder().start()) {
            System.out.println(BrokerProcess.READY + broker.bootstrap(Listener.PLAINTEXT));
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent on stdin: end of input means the parent is gone
            }
        }
    }
}
