package dev.kongjava.testkit.oauth;

/** What kind of access token {@link OAuthServer} hands out (if any), for tests of refused logins. */
public enum TokenMode {
    /** Signed with the key the JWKS publishes, valid for the server's token lifetime. */
    VALID,
    /** Correctly signed, but it expired five minutes ago (beyond any default clock skew). */
    EXPIRED,
    /** Valid claims, signed with a key the JWKS does not publish (under the published key's id). */
    WRONG_KEY,
    /** No token at all: every request gets 503 {@code temporarily_unavailable}, as from an authorization server that is down. */
    UNAVAILABLE
}
