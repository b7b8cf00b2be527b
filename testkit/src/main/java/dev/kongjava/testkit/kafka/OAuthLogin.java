package dev.kongjava.testkit.kafka;

import java.util.Map;

/**
 * An OAUTHBEARER login a broker accepted.
 *
 * @param principal the token's subject, the principal's name ({@code User:<principal>})
 * @param extensions the SASL extensions the client sent ({@code extension_<name>} JAAS options)
 */
public record OAuthLogin(String principal, Map<String, String> extensions) {}
