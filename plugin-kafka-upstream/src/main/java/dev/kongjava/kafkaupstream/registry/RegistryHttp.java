package dev.kongjava.kafkaupstream.registry;

import dev.kongjava.kafkaupstream.tls.TrustAllSslEngineFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP to the registry and its token endpoint: one JDK client per verification mode for the whole
 * process (each client owns a selector thread, so never one per instance), HTTP/1.1, no redirects,
 * and every exchange bounded in time (connect, headers and body together) and in size.
 */
final class RegistryHttp {
    /** Far above any schema or token answer; a registry sending more is refused, not buffered. */
    static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private RegistryHttp() {}

    /** Created on first use: a server without a registry starts no HTTP client. */
    private static final class Verifying {
        static final HttpClient CLIENT = builder().build();
    }

    private static final class Trusting {
        static final HttpClient CLIENT = builder()
                .sslContext(TrustAllSslEngineFactory.TrustAll.context())
                .build();
    }

    static HttpClient client(boolean verify) {
        return verify ? Verifying.CLIENT : Trusting.CLIENT;
    }

    /** {@code text} as a URI an HTTP client takes; a config failure naming {@code what} otherwise. */
    static URI uri(String text, String what) throws RegistryFailure {
        try {
            URI uri = URI.create(text);
            HttpRequest.newBuilder(uri); // refuses schemes the client cannot send to
            if (uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw RegistryFailure.config(what + " " + text + " is not a usable URL");
    }

    /**
     * Sends {@code request} and waits at most {@code timeout} for the whole answer.
     *
     * @param what names the peer in failures, e.g. "the schema registry at http://r:8081"
     * @throws RegistryFailure (502) when the peer is unreachable, too slow or answers too much
     */
    static HttpResponse<byte[]> exchange(boolean verify, HttpRequest request, Duration timeout, String what)
            throws RegistryFailure {
        CompletableFuture<HttpResponse<byte[]>> answer =
                client(verify).sendAsync(request, info -> new LimitedBody(MAX_ANSWER_BYTES));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw RegistryFailure.upstream(what + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw RegistryFailure.upstream(
                    e.getCause() instanceof AnswerTooLarge
                            ? what + " answered with more than " + MAX_ANSWER_BYTES + " bytes"
                            : what + " is unreachable ("
                                    + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryFailure.upstream("interrupted while waiting for " + what);
        } finally {
            answer.cancel(true); // aborts the exchange when it is still running; nothing when done
        }
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10));
    }

    /** The answer was larger than the bound; it was not kept. */
    static final class AnswerTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerTooLarge() {
            super(null, null);
        }
    }

    /** Collects a body of at most {@code max} bytes; more cancels the exchange instead of growing. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int max;
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if ((long) bytes.size() + buffer.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new AnswerTooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
