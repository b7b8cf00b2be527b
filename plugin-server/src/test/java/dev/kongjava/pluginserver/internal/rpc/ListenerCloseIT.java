package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.internal.event.EventRegistry;
import dev.kongjava.pluginserver.internal.instance.InstanceRegistry;
import dev.kongjava.testkit.KongConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the listener on shutdown: a request Kong already sent is answered before its connection
 * closes, and a request that will never be answered does not hold the close past its grace.
 */
class ListenerCloseIT {
    private static final Duration GRACE = Duration.ofMillis(300);
    /** Scheduling slack for a loaded machine; the unanswered event would hold the close for 60 s. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private Path dir;
    private EventRegistry events;
    private UnixSocketListener listener;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("kps");
        events = new EventRegistry(Duration.ofMinutes(1), 10_000);
        RpcDispatcher dispatcher = new RpcDispatcher(
                Map.of("probe", ProbePlugin.DEFINITION),
                new InstanceRegistry(Map.of(), 20_000, name -> null),
                events,
                name -> null,
                Map::of);
        listener = new UnixSocketListener(
                dir.resolve("probe.socket"),
                PosixFilePermissions.fromString("rw-------"),
                Set.of(),
                64,
                Duration.ofMinutes(1),
                new MsgpackCodec(1 << 20),
                dispatcher);
        listener.start();
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
        Files.deleteIfExists(dir);
    }

    @Test
    void aRequestInFlightWhenTheListenerClosesStillGetsItsReply() throws Exception {
        CompletableFuture<Object> handleEvent = sleepingEvent(400);
        awaitOneEvent();

        listener.close(Duration.ofSeconds(10));

        KongConnection.Reply reply = assertInstanceOf(KongConnection.Reply.class, handleEvent.get(5, TimeUnit.SECONDS));
        assertNull(reply.error());
        assertEquals("ret", ((Map<?, ?>) reply.result()).get("Data"));
        assertEquals(0, listener.connectionCount());
    }

    @Test
    void aRequestThatIsNeverAnsweredDoesNotHoldTheCloseBeyondItsGrace() throws Exception {
        CompletableFuture<Object> handleEvent = sleepingEvent(60_000);
        awaitOneEvent();

        long start = System.nanoTime();
        listener.close(GRACE);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // it waited the grace for a reply, and not for the 60 s event
        assertTrue(
                tookMs >= GRACE.toMillis() && tookMs < GRACE.plus(MARGIN).toMillis(),
                "close took " + tookMs + " ms with a grace of " + GRACE.toMillis() + " ms");
        assertInstanceOf(IOException.class, handleEvent.get(5, TimeUnit.SECONDS), "the connection was closed");
    }

    /** StartInstance, then a HandleEvent whose plugin sleeps; completes with its reply or the IOException. */
    private CompletableFuture<Object> sleepingEvent(int sleepMs) throws IOException {
        KongConnection kong = new KongConnection(listener.path());
        Map<?, ?> started = (Map<?, ?>) kong.call(
                        1,
                        "plugin.StartInstance",
                        List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"sleep\",\"sleep_ms\":" + sleepMs + "}")))
                .result();
        Object id = started.get("Id");
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (kong) {
                outcome.complete(
                        kong.call(2, "plugin.HandleEvent", List.of(Map.of("InstanceId", id, "EventName", "access"))));
            } catch (IOException e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }

    private void awaitOneEvent() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.size() != 1) {
            assertTrue(System.nanoTime() < deadline, "the event did not start");
            Thread.sleep(5);
        }
    }
}
