package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.pluginserver.pdk.Kong;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin's answers to the HTTP client, in the seed's shapes: {@code {"message":"message sent"}}
 * on success, {@code {"message":<reason phrase>,"error":<what failed>}} otherwise.
 */
final class Replies {
    static final String SENT_BODY = "{\"message\":\"message sent\"}";
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json; charset=utf-8");
    private static final ObjectMapper JSON = Json.MAPPER;

    private Replies() {}

    static void sent(Kong kong) {
        kong.response().exit(200, SENT_BODY, JSON_HEADERS);
    }

    static void error(Kong kong, int status, String error) {
        kong.response().exit(status, body(status, error), JSON_HEADERS);
    }

    static String body(int status, String error) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("message", phrase(status));
        body.put("error", error);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
