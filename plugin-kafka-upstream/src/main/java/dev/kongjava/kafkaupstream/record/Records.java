package dev.kongjava.kafkaupstream.record;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.MessageFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns a captured request into the records to produce: the value (envelope or raw body), the key
 * and partition ({@link Placement}), record headers, and one record per target topic. A pure function; a
 * request that asks for a topic it may not use gets a {@link BadRequestBody}, one whose body or
 * message is over the producer's limit a {@link MessageTooLarge}, and nothing is sent.
 */
final class Records {
    private Records() {}

    static List<ProducerRecord<byte[], byte[]>> build(CapturedRequest request, KafkaUpstreamConfig c)
            throws BadRequestBody, MessageTooLarge {
        int limit = c.producer().bytesPerRequest();
        if (request.body() != null && request.body().length > limit) {
            throw MessageTooLarge.body(request.body().length, limit); // before anything is built from it
        }
        byte[] value = c.messageFormat() == MessageFormat.ENVELOPE
                ? Envelope.build(request, c.forward(), limit)
                : request.body();
        List<Header> headers = new ArrayList<>(c.headerRules().select(request.headers()));
        if (c.messageFormat() == MessageFormat.BODY && request.contentType() != null) {
            headers.add(new RecordHeader("content-type", request.contentType().getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Object> query = c.keyQueryArg() != null
                        || c.topicsQueryArg() != null
                        || c.options().partitionQueryArg() != null
                ? FormCodec.decode(request.rawQuery())
                : Map.of();
        Placement placement = Placement.of(request, query, c);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String topic : topics(query, c)) {
            records.add(new ProducerRecord<>(
                    topic, placement.partition(), null, placement.key(), value, List.copyOf(headers)));
        }
        return records;
    }

    private static List<String> topics(Map<String, Object> query, KafkaUpstreamConfig c) throws BadRequestBody {
        if (c.topicsQueryArg() == null || !query.containsKey(c.topicsQueryArg())) {
            return List.of(c.topic());
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (Object value : values(query.get(c.topicsQueryArg()))) {
            if (value instanceof String s) {
                for (String part : s.split(",")) {
                    if (!part.isBlank()) {
                        wanted.add(part.strip());
                    }
                }
            }
        }
        if (wanted.isEmpty()) {
            throw new BadRequestBody("query argument " + c.topicsQueryArg() + " names no topic");
        }
        List<String> rejected = wanted.stream()
                .filter(t -> !t.equals(c.topic()) && !c.allowedTopics().contains(t))
                .toList();
        if (!rejected.isEmpty()) {
            throw new BadRequestBody(
                    "one or more target topics are not in the allowed topics list: " + String.join(", ", rejected));
        }
        return List.copyOf(wanted);
    }

    private static List<?> values(Object value) {
        return value == null ? List.of() : value instanceof List<?> list ? list : List.of(value);
    }
}
