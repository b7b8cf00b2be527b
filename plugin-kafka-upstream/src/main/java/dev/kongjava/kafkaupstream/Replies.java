package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.json.Json;
import dev.kongjava.kafkaupstream.produce.RecordOutcome;
import dev.kongjava.kafkaupstream.produce.SendResult;
import dev.kongjava.pluginserver.pdk.Kong;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

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

    /**
     * Ends the request with {@code result}: the seed's bodies, plus the outcome of each record when
     * the config asks for record metadata (200 and errors) or the request was a batch (errors once
     * records were handed over, so the client knows which to send again).
     *
     * @param elements the batch element of each record, or null when the request was not a batch
     */
    static void answer(Kong kong, SendResult result, List<Integer> elements, KafkaUpstreamConfig c) {
        boolean detail = c.returnErrorMessage();
        boolean records =
                result.records() != null && (c.options().returnMetadata() || (elements != null && !result.ok()));
        if (!records) {
            if (result.ok()) {
                sent(kong);
            } else {
                error(kong, result.status(), result.error(detail));
            }
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", result.ok() ? "message sent" : phrase(result.status()));
        if (!result.ok()) {
            body.put("error", result.error(detail));
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < result.records().size(); i++) {
            list.add(record(result.records().get(i), elements == null ? null : elements.get(i), detail));
        }
        body.put("records", list);
        kong.response().exit(result.status(), json(body), JSON_HEADERS);
    }

    /** {@code {index?, topic, partition, offset, timestamp}} when acknowledged, {@code {index?, topic, error}} when failed. */
    private static Map<String, Object> record(RecordOutcome outcome, Integer element, boolean detail) {
        Map<String, Object> entry = new LinkedHashMap<>();
        if (element != null) {
            entry.put("index", element);
        }
        entry.put("topic", outcome.topic());
        if (outcome.metadata() != null) {
            RecordMetadata m = outcome.metadata();
            entry.put("partition", m.partition());
            entry.put("offset", m.hasOffset() ? m.offset() : null);
            entry.put("timestamp", m.hasTimestamp() ? m.timestamp() : null);
        }
        if (outcome.failure() != null) {
            entry.put("error", outcome.failure().error(detail));
        }
        return entry;
    }

    static void error(Kong kong, int status, String error) {
        kong.response().exit(status, body(status, error), JSON_HEADERS);
    }

    static String body(int status, String error) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("message", phrase(status));
        body.put("error", error);
        return json(body);
    }

    private static String json(Map<String, ?> body) {
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
