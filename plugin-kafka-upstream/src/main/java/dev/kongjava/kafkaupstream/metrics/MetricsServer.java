package dev.kongjava.kafkaupstream.metrics;

import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} on the loopback interface only (metrics are for a local scraper or
 * agent), within a fixed budget whatever local users send: one platform thread, at most
 * {@value #MAX_CONNECTIONS} connections open (more wait in the kernel's backlog, holding none of
 * our file descriptors), {@link #EXCHANGE_TIMEOUT} for reading the request and writing the answer,
 * {@value #MAX_REQUEST_BYTES} bytes of request, at most {@value #EXCHANGES_PER_SECOND} exchanges a
 * second, and back-off after a failed accept. So it never holds more than {@value #MAX_CONNECTIONS}
 * + 1 sockets (plus its selector's few fixed descriptors) and cannot take descriptors, threads or
 * CPU from Kong's socket. HTTP/1.x, one request per connection ({@code Connection: close}).
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    public static final int MAX_CONNECTIONS = 4;
    public static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(2);
    public static final int MAX_REQUEST_BYTES = 8 * 1024;
    static final int EXCHANGES_PER_SECOND = 20;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Supplier<String> metrics;
    private final RateLimitedLog acceptFailures = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final Thread thread;
    private volatile boolean closed;
    private long acceptNotBefore = System.nanoTime();
    private long backoffNanos;
    private int open;

    /** One connection: its request so far, then its answer; closed at its deadline whatever its state. */
    private static final class Exchange {
        final long deadline;
        final ByteBuffer request = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        ByteBuffer answer;

        Exchange(long deadline) {
            this.deadline = deadline;
        }
    }

    private MetricsServer(ServerSocketChannel server, Selector selector, Supplier<String> metrics) {
        this.server = server;
        this.selector = selector;
        this.metrics = metrics;
        this.thread = Thread.ofPlatform().daemon().name("metrics").unstarted(this::run);
    }

    public static MetricsServer start(int port, Metrics metrics) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), MAX_CONNECTIONS);
            server.configureBlocking(false);
            MetricsServer metricsServer = new MetricsServer(server, Selector.open(), metrics::render);
            server.register(metricsServer.selector, SelectionKey.OP_ACCEPT);
            metricsServer.thread.start();
            LOG.info("serving metrics on http://127.0.0.1:{}/metrics", metricsServer.port());
            return metricsServer;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    private void run() {
        try {
            while (!closed) {
                long now = System.nanoTime();
                long wake = closeExpired(now);
                boolean accepting = open < MAX_CONNECTIONS && now - acceptNotBefore >= 0;
                server.keyFor(selector).interestOps(accepting ? SelectionKey.OP_ACCEPT : 0);
                if (open < MAX_CONNECTIONS && !accepting) {
                    wake = Math.min(wake, acceptNotBefore - now);
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake) + 1));
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("the metrics endpoint stopped: {}", e.toString());
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the selector failed: {}", e.toString());
            }
        }
    }

    /** Closes exchanges past their deadline; returns the nanoseconds until the next deadline. */
    private long closeExpired(long now) {
        long next = EXCHANGE_TIMEOUT.toNanos();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Exchange exchange) {
                if (now - exchange.deadline >= 0) {
                    closeQuietly(key);
                } else {
                    next = Math.min(next, exchange.deadline - now);
                }
            }
        }
        return next;
    }

    private void handle(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
            } else if (key.isReadable()) {
                read(key);
            } else if (key.isWritable()) {
                write(key);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("metrics exchange failed: {}", e.toString());
            closeQuietly(key);
        }
    }

    private void accept() {
        long now = System.nanoTime();
        SocketChannel client;
        try {
            client = server.accept();
        } catch (IOException e) {
            // e.g. out of file descriptors: the connection stays queued, so without a pause this would spin
            backoffNanos = Math.clamp(backoffNanos * 2, MIN_BACKOFF_NANOS, MAX_BACKOFF_NANOS);
            acceptNotBefore = now + backoffNanos;
            acceptFailures.warn("metrics endpoint: accept failed: " + e.getMessage());
            return;
        }
        backoffNanos = 0;
        if (client == null) {
            return;
        }
        acceptNotBefore = now + TimeUnit.SECONDS.toNanos(1) / EXCHANGES_PER_SECOND;
        try {
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ, new Exchange(now + EXCHANGE_TIMEOUT.toNanos()));
            open++;
        } catch (IOException e) {
            LOG.debug("metrics connection setup failed: {}", e.toString());
            try {
                client.close();
            } catch (IOException closing) {
                LOG.debug("closing a metrics connection failed: {}", closing.toString());
            }
        }
    }

    private void read(SelectionKey key) throws IOException {
        Exchange exchange = (Exchange) key.attachment();
        ByteBuffer request = exchange.request;
        int before = request.position();
        if (((SocketChannel) key.channel()).read(request) < 0) {
            closeQuietly(key);
            return;
        }
        // only where the end can be new: a client sending a byte at a time costs no rescans
        int end = indexOf(request, END_OF_HEAD, Math.max(0, before - END_OF_HEAD.length + 1));
        if (end < 0 && request.hasRemaining()) {
            return; // the head is not complete yet
        }
        String head = end < 0 ? null : new String(request.array(), 0, end, StandardCharsets.ISO_8859_1);
        exchange.answer = ByteBuffer.wrap(answer(head));
        key.interestOps(SelectionKey.OP_WRITE);
        write(key);
    }

    private void write(SelectionKey key) throws IOException {
        ByteBuffer answer = ((Exchange) key.attachment()).answer;
        ((SocketChannel) key.channel()).write(answer);
        if (!answer.hasRemaining()) {
            closeQuietly(key);
        }
    }

    /** The whole HTTP answer to a request head (null: the head exceeded the size limit). */
    private byte[] answer(String head) {
        if (head == null) {
            return response(
                    431,
                    "Request Header Fields Too Large",
                    "text/plain",
                    "request head over " + MAX_REQUEST_BYTES + " bytes\n",
                    "");
        }
        String[] requestLine = head.split("\r\n", 2)[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return response(400, "Bad Request", "text/plain", "not an HTTP/1.x request\n", "");
        }
        String path = requestLine[1].split("\\?", 2)[0];
        if (!path.equals("/metrics")) {
            return response(404, "Not Found", "text/plain", "only /metrics is served here\n", "");
        }
        if (!requestLine[0].equals("GET")) {
            return response(405, "Method Not Allowed", "text/plain", "only GET\n", "Allow: GET\r\n");
        }
        return response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", metrics.get(), "");
    }

    private static byte[] response(int status, String reason, String type, String body, String extraHeaders) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: "
                + content.length + "\r\n" + extraHeaders + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }

    private static int indexOf(ByteBuffer buffer, byte[] pattern, int from) {
        byte[] bytes = buffer.array();
        for (int i = from; i + pattern.length <= buffer.position(); i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    private void closeQuietly(SelectionKey key) {
        if (key.attachment() instanceof Exchange && key.isValid()) {
            open--;
        }
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            LOG.debug("closing a metrics connection failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(EXCHANGE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
