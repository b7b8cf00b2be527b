package dev.kongjava.pluginserver.internal.event;

import org.jspecify.annotations.Nullable;

/**
 * What a Step brings to the event waiting for it: Kong's result, or an error text (a StepError, or
 * a result the server refused while reading it; {@code busy} when the server-wide budget was full).
 */
record Delivery(@Nullable Object data, @Nullable String error, boolean busy) {}
