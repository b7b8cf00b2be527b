package dev.kongjava.kafkaupstream.config;

/** The four forward_* flags: which parts of the request go into the message. */
public record Forward(boolean method, boolean uri, boolean headers, boolean body) {}
