package dev.kongjava.kafkaupstream.produce;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How a send ended, as the HTTP status and error text the client gets. Failures are classified by
 * exception type, never by message text; the text is ours and carries no secret. {@code detail}
 * is Kafka's own message, for the log (and for the client only when the operator opts in).
 * {@code records} says how each record of the request ended, once records were handed to the
 * producer (sync always; async when one was refused); null otherwise.
 */
public record SendResult(int status, String error, String detail, java.util.List<RecordOutcome> records) {
    static final SendResult SENT = new SendResult(200, null, null);

    public SendResult(int status, String error, String detail) {
        this(status, error, detail, null);
    }

    /** This result with the outcome of each record. */
    SendResult with(java.util.List<RecordOutcome> outcomes) {
        return new SendResult(status, error, detail, java.util.List.copyOf(outcomes));
    }

    public boolean ok() {
        return status == 200;
    }

    /** @param limit the limit that was reached, e.g. "50000 messages" */
    static SendResult bufferFull(String limit) {
        return new SendResult(503, "the async buffer of " + limit + " is full; try again later", null);
    }

    /** The plugin server cannot take the request now (memory bounds); {@code detail} says which. */
    public static SendResult busy(String detail) {
        return new SendResult(503, "the plugin server holds too many requests right now; try again later", detail);
    }

    static SendResult gated(int failures) {
        return new SendResult(
                503,
                "the Kafka producer is failing (" + failures + " deliveries failed in a row); "
                        + "not accepting messages until a probe succeeds",
                null);
    }

    /** The client's error text, with Kafka's own message when the operator opted in. */
    public String error(boolean withDetail) {
        return withDetail && detail != null ? error + ": " + detail : error;
    }

    /**
     * The instance has no producer: a certificate Kong does not give, {@code --max-producers} (500),
     * or Kafka refusing to create one: a failed login (kafka-clients logs in while it builds the
     * producer, e.g. at an OAuth token endpoint) is the brokers' side, 502; anything else is the
     * configuration's, 500 (e.g. no bootstrap host resolves: the original's "could not create a
     * Kafka Producer").
     */
    public static SendResult noProducer(Exception e) {
        if (!(e instanceof KafkaException)) {
            return new SendResult(500, e.getMessage(), null);
        }
        Throwable root = e;
        Throwable login = null;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            login = login == null && root instanceof javax.security.auth.login.LoginException ? root : login;
        }
        if (login != null) {
            // Kafka appends the cause's stack trace to a login failure's message: its first line says why
            String reason = login.getMessage() == null
                    ? ""
                    : login.getMessage().lines().findFirst().orElse("");
            return new SendResult(
                    502,
                    "could not log in to the Kafka brokers: the OAuth token endpoint refused the "
                            + "client or could not be reached",
                    login.getClass().getSimpleName() + ": " + reason);
        }
        return new SendResult(
                500, "could not create a Kafka producer from the configuration: " + root.getMessage(), null);
    }

    /** Classifies a Kafka client failure for {@code topic}. */
    static SendResult failure(Throwable e, String topic) {
        Throwable cause =
                e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        String detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return switch (cause) {
            case RecordTooLargeException x ->
                new SendResult(413, "the message is larger than the producer or the broker accepts", detail);
            case SslAuthenticationException x ->
                new SendResult(502, "TLS handshake with the Kafka brokers failed", detail);
            case AuthenticationException x ->
                new SendResult(502, "authentication with the Kafka brokers failed", detail);
            case AuthorizationException x -> new SendResult(502, "not authorized to write to topic " + topic, detail);
            case InvalidTopicException x -> new SendResult(502, "topic " + topic + " is not a valid topic", detail);
            case UnknownTopicOrPartitionException x ->
                new SendResult(502, "topic " + topic + " does not exist", detail);
            case NotEnoughReplicasException x ->
                new SendResult(502, "not enough in-sync replicas for topic " + topic, detail);
            case NotEnoughReplicasAfterAppendException x ->
                new SendResult(502, "not enough in-sync replicas acknowledged for topic " + topic, detail);
            case TimeoutException x ->
                new SendResult(
                        502,
                        "the Kafka brokers did not acknowledge the message on topic " + topic
                                + " in time (unreachable brokers or a missing topic)",
                        detail);
            case InterruptException x -> new SendResult(503, "interrupted while sending", detail);
            default ->
                new SendResult(
                        502,
                        "could not send the message to topic " + topic + " ("
                                + cause.getClass().getSimpleName() + ")",
                        detail);
        };
    }
}
