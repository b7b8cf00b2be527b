package dev.kongjava.kafkaupstream;

/** What the record value is: the original's JSON envelope, or the request body as it came. */
enum MessageFormat {
    ENVELOPE,
    BODY
}
