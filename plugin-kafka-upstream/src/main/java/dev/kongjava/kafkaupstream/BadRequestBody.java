package dev.kongjava.kafkaupstream;

/** The request body does not parse as its content type says: the client gets 400 and nothing is sent. */
final class BadRequestBody extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequestBody(String message) {
        super(message, null, false, false);
    }
}
