package dev.kongjava.kafkaupstream.registry;

/**
 * A document does not match its schema. The message names the schema, the first mismatch and
 * where ({@code $.items[2].qty: expected int, got string}); the mismatch is cut to a length fit
 * for an error body, since it can quote names the client chose.
 */
public final class SchemaMismatch extends Exception {
    private static final long serialVersionUID = 1L;
    static final int MAX_DETAIL = 300;

    SchemaMismatch(String detail) {
        super(detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "...", null, false, false);
    }

    private SchemaMismatch(String prefix, SchemaMismatch detail) {
        super(prefix + ": " + detail.getMessage(), null, false, false);
    }

    /** The same mismatch, its message starting with {@code prefix}, e.g. which schema it broke. */
    SchemaMismatch prefixed(String prefix) {
        return new SchemaMismatch(prefix, this);
    }
}
