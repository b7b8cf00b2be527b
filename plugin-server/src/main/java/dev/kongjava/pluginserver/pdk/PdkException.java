package dev.kongjava.pluginserver.pdk;

/** A PDK call failed; the message starts with the Kong method name, e.g. {@code "kong.request.get_header failed: …"}. */
public class PdkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String method;

    public PdkException(String method, String reason) {
        super(method + " failed: " + reason);
        this.method = method;
    }

    /** The Kong function that failed, e.g. {@code kong.request.get_header}. */
    public String method() {
        return method;
    }
}
