package dev.kongjava.kafkaupstream.config;

/** What the record value is: the original's JSON envelope, or the request body as it came. */
public enum MessageFormat {
    ENVELOPE,
    BODY
}
