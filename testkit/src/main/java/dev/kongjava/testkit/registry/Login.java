package dev.kongjava.testkit.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The client id and secret the harness logs in to a secured registry with. */
record Login(String clientId, String clientSecret) {
    String basicAuthorization() {
        String credentials = clientId + ":" + clientSecret;
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Login[clientId=" + clientId + ", clientSecret=****]";
    }
}
