package dev.kongjava.kafkaupstream;

/** The four forward_* flags: which parts of the request go into the message. */
record Forward(boolean method, boolean uri, boolean headers, boolean body) {}
