package dev.kongjava.kafkaupstream.record;

/** The request body does not parse as its content type says: the client gets 400 and nothing is sent. */
public final class BadRequestBody extends Exception {
    private static final long serialVersionUID = 1L;

    public BadRequestBody(String message) {
        super(message, null, false, false);
    }
}
