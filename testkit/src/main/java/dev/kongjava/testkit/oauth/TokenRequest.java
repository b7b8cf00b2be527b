package dev.kongjava.testkit.oauth;

/**
 * One request to the token endpoint, as the server saw it; secrets are never kept.
 *
 * @param clientId the client id sent (Basic credentials or form), or empty if none
 * @param grantType the {@code grant_type} form parameter, or empty
 * @param scope the {@code scope} form parameter (space-separated scopes), or empty
 * @param status the HTTP status the server answered with
 */
public record TokenRequest(String clientId, String grantType, String scope, int status) {}
