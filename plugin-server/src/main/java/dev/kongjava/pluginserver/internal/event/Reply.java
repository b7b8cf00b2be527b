package dev.kongjava.pluginserver.internal.event;

/** Where the answer to one Kong request goes: exactly one of the two methods is called, once. */
public interface Reply {
    /** Sends {@code [1, msgid, nil, value]}. */
    void result(Object value);

    /** Sends {@code [1, msgid, message, nil]}. */
    void error(String message);

    /**
     * Keeps what the request holds of the in-flight budget past the answer, until the returned
     * action runs (a read-ahead answer is still in memory after the next call was sent).
     */
    default Runnable retain() {
        return () -> {};
    }
}
