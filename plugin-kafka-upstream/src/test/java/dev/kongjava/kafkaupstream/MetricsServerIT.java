package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.metrics.Metrics;
import dev.kongjava.kafkaupstream.metrics.MetricsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics endpoint over real loopback sockets: what it answers, and the limits it keeps. */
class MetricsServerIT {
    private MetricsServer server;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Metrics metrics = new Metrics();
        metrics.request("orders", 200, 1_000_000);
        server = MetricsServer.start(0, metrics);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void getMetricsAnswersThePrometheusTextAndAnythingElseAnsweredWithANamedError() throws IOException {
        String ok = exchange("GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(
                ok.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                        + "Content-Length: "),
                ok);
        assertTrue(ok.contains("\r\nConnection: close\r\n\r\n# HELP kafka_upstream_requests_total "), ok);
        assertTrue(ok.contains("\nkafka_upstream_requests_total{topic=\"orders\",status=\"200\"} 1\n"), ok);

        assertEquals(
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 29\r\nConnection: close\r\n\r\n"
                        + "only /metrics is served here\n",
                exchange("GET /metricsx HTTP/1.1\r\n\r\n"));
        assertEquals(
                "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nAllow: GET\r\n"
                        + "Connection: close\r\n\r\nonly GET\n",
                exchange("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 24\r\nConnection: close\r\n\r\n"
                        + "not an HTTP/1.x request\n",
                exchange("\u0016\u0003\u0001 hello\r\n\r\n"));
        String start = "GET /metrics HTTP/1.1\r\nX-Filler: ";
        assertEquals(
                "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain\r\nContent-Length: 29\r\n"
                        + "Connection: close\r\n\r\nrequest head over 8192 bytes\n",
                exchange(start + "a".repeat(MetricsServer.MAX_REQUEST_BYTES - start.length())),
                "a head that fills the limit");
    }

    @Test
    void aClientThatSendsNothingIsDisconnectedAtTheExchangeTimeout() throws IOException {
        Socket silent = connect();
        long start = System.nanoTime();
        silent.setSoTimeout((int) MetricsServer.EXCHANGE_TIMEOUT.toMillis() + 10_000);
        assertEquals(-1, silent.getInputStream().read(), "closed without an answer");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // not before the timeout (that would cut off slow scrapers), and not much after it
        assertTrue(millis >= MetricsServer.EXCHANGE_TIMEOUT.toMillis() - 100 && millis < 10_000, millis + " ms");
    }

    @Test
    void whileFourConnectionsAreOpenAFifthWaitsInTheBacklogUntilOneEnds() throws IOException {
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < MetricsServer.MAX_CONNECTIONS; i++) {
            silent.add(connect());
        }
        Socket fifth = connect();
        fifth.getOutputStream().write("GET /metrics HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        fifth.setSoTimeout(500);
        assertThrows(
                SocketTimeoutException.class, () -> fifth.getInputStream().read(), "not served while four are open");
        silent.getFirst().close();
        fifth.setSoTimeout((int) MetricsServer.EXCHANGE_TIMEOUT.toMillis() + 10_000);
        assertTrue(readAll(fifth.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"), "served once a place is free");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        clients.add(socket);
        return socket;
    }

    private String exchange(String request) throws IOException {
        Socket socket = connect();
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return readAll(socket.getInputStream());
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
