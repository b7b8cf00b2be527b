package dev.kongjava.pluginserver.internal.event;

/**
 * What a Step brings to the event waiting for it: Kong's result, or an error text (a StepError, or
 * a result the server refused while reading it; {@code busy} when the server-wide budget was full).
 */
record Delivery(Object data, String error, boolean busy) {}
