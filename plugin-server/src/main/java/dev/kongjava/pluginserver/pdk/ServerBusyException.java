package dev.kongjava.pluginserver.pdk;

/**
 * Kong's answer to a PDK call could not be taken because the plugin server already holds as many
 * bytes of unanswered requests as it may ({@code --max-bytes-in-flight}); nothing of it was kept.
 * The request itself is fine: answer it with 503 and let the client retry.
 */
public final class ServerBusyException extends PdkException {
    private static final long serialVersionUID = 1L;

    public ServerBusyException(String method, String reason) {
        super(method, reason);
    }
}
