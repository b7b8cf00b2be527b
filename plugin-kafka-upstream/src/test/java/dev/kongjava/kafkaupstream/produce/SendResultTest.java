package dev.kongjava.kafkaupstream.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Status and text come from the exception type; Kafka's message only goes to the detail. */
class SendResultTest {
    @Test
    void failuresAreClassifiedByTypeWithSecretFreeTexts() {
        SendResult auth = SendResult.failure(
                new ExecutionException(
                        new SaslAuthenticationException("Authentication failed: Invalid username or password")),
                "t");
        assertEquals(
                new SendResult(
                        502,
                        "authentication with the Kafka brokers failed",
                        "SaslAuthenticationException: Authentication failed: Invalid username or password"),
                auth);
        assertEquals(
                502,
                SendResult.failure(new SslAuthenticationException("x"), "t").status());
        assertEquals(
                "TLS handshake with the Kafka brokers failed",
                SendResult.failure(new SslAuthenticationException("x"), "t").error());
        assertEquals(
                "not authorized to write to topic t",
                SendResult.failure(new TopicAuthorizationException("x"), "t").error());
        assertEquals(
                413, SendResult.failure(new RecordTooLargeException("x"), "t").status());
        assertEquals(
                "the Kafka brokers did not acknowledge the message on topic t in time (unreachable brokers or a "
                        + "missing topic)",
                SendResult.failure(new TimeoutException("x"), "t").error());
        assertEquals(
                "could not send the message to topic t (NetworkException)",
                SendResult.failure(new NetworkException("x"), "t").error());
    }

    @Test
    void aFullBufferIsA503() {
        assertEquals(
                new SendResult(503, "the async buffer of 7 messages is full; try again later", null),
                SendResult.bufferFull("7 messages"));
    }
}
