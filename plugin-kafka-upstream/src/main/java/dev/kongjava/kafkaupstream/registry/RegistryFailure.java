package dev.kongjava.kafkaupstream.registry;

/**
 * A schema could not be had from the registry: 502 when the registry or its token endpoint failed
 * (unreachable, too slow, refused the credentials, answered an error), 500 when the config names
 * something the registry does not have or this plugin cannot use. The message names the registry
 * and carries no secret: it goes to the client.
 */
public final class RegistryFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    RegistryFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static RegistryFailure upstream(String message) {
        return new RegistryFailure(502, message);
    }

    static RegistryFailure config(String message) {
        return new RegistryFailure(500, message);
    }

    /** The HTTP status the client gets. */
    public int status() {
        return status;
    }
}
