package dev.kongjava.kafkaupstream.record;

/**
 * The request (its body, or the message built from it) is larger than
 * {@code producer_request_limits_bytes_per_request}: the client gets 413 and nothing is sent. Found
 * before the message is built, or while it is built, never after a copy of unbounded size.
 */
public final class MessageTooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    MessageTooLarge(String message) {
        super(message, null, false, false);
    }

    static MessageTooLarge body(long bytes, int limit) {
        return new MessageTooLarge("the request body of " + bytes + " bytes is larger than "
                + "producer_request_limits_bytes_per_request (" + limit + " bytes)");
    }

    public static MessageTooLarge message(int limit) {
        return new MessageTooLarge("the message built from the request is larger than "
                + "producer_request_limits_bytes_per_request (" + limit + " bytes)");
    }
}
