package dev.kongjava.testkit.oauth;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A token request's form and client authentication: HTTP Basic credentials, form-decoded as RFC 6749
 * section 2.3.1 asks ({@code client_secret_basic}), else the {@code client_id} and
 * {@code client_secret} form parameters ({@code client_secret_post}). Missing values are empty.
 */
record TokenForm(String clientId, String clientSecret, String grantType, String scope) {
    static TokenForm read(HttpExchange exchange, int maxBodyBytes) throws IOException {
        Map<String, String> form = form(exchange.getRequestBody().readNBytes(maxBodyBytes));
        String[] client = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        if (client == null) {
            client = new String[] {form.getOrDefault("client_id", ""), form.getOrDefault("client_secret", "")};
        }
        return new TokenForm(client[0], client[1], form.getOrDefault("grant_type", ""), form.getOrDefault("scope", ""));
    }

    /** Id and secret from a Basic authorization header, or null if there is none. */
    private static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new String[] {"", ""};
        }
        int colon = decoded.indexOf(':');
        return colon < 0
                ? new String[] {decode(decoded), ""}
                : new String[] {decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1))};
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.putIfAbsent(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
            }
        }
        return form;
    }

    private static String decode(String formValue) {
        try {
            return URLDecoder.decode(formValue, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return formValue;
        }
    }

    @Override
    public String toString() {
        return "TokenForm[clientId=" + clientId + ", clientSecret=****, grantType=" + grantType + ", scope=" + scope
                + "]";
    }
}
