package dev.kongjava.kafkaupstream;

import java.time.Duration;

/** Retries an assertion until it holds or the time is up (then its last failure is thrown). */
final class EventuallyAssert {
    private EventuallyAssert() {}

    static void within(Duration timeout, Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
