package dev.kongjava.pluginserver.internal.rpc;

/** A message declares more bytes than the configured limit; refused before anything is allocated. */
public final class MessageTooLargeException extends MalformedMessageException {
    private static final long serialVersionUID = 1L;

    MessageTooLargeException(long declared, long limit) {
        super("message of at least " + declared + " bytes exceeds the limit of " + limit
                + " bytes (--max-message-size)");
    }
}
