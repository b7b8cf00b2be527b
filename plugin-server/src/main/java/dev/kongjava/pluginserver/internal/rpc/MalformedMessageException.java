package dev.kongjava.pluginserver.internal.rpc;

import java.io.IOException;

/** The bytes on a connection are not a MessagePack-RPC request; the stream cannot be trusted after it. */
public class MalformedMessageException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
