package dev.kongjava.kafkaupstream.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records one request makes, built within the plugin's {@link BuildBudget}: for a plain request
 * those of {@link Records#build}; for a batch ({@code batch_json_array} and an application/json body
 * that is an array) those of each element, as if it were the body, in the body's order. Every record
 * is built before any is sent, so a bad element (400) or one too large (413) sends nothing. Holds its
 * share of the budget until closed, which is once the producer has its copy.
 */
public final class RequestRecords implements AutoCloseable {
    /** The budget cannot hold what building the request needs: the client gets 503 at once. */
    public static final class BudgetFull extends Exception {
        private static final long serialVersionUID = 1L;

        BudgetFull(long used) {
            super(used + " bytes of messages are being built", null, false, false);
        }
    }

    private final BuildBudget budget;
    private long reserved;
    private List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    /** The batch element of each record, or null when the request is not a batch. */
    private final List<Integer> elements;

    private RequestRecords(BuildBudget budget, boolean batch) {
        this.budget = budget;
        this.elements = batch ? new ArrayList<>() : null;
    }

    /** Builds the records of {@code request}; on any exception nothing stays reserved. */
    public static RequestRecords build(CapturedRequest request, KafkaUpstreamConfig c, BuildBudget budget)
            throws BudgetFull, BadRequestBody, MessageTooLarge {
        byte[] body = request.body() == null ? new byte[0] : request.body();
        int limit = c.producer().bytesPerRequest();
        boolean batch = c.options().batch()
                && MediaType.parse(request.contentType()).is("application/json")
                && startsArray(body);
        RequestRecords out = new RequestRecords(budget, batch);
        // the body decoded as text and the message (as before), and for a batch the elements' bytes
        out.reserve(BuildBudget.estimate(body.length, limit) + (batch ? body.length : 0));
        try {
            if (!batch) {
                out.records = Records.build(request, c);
                return out;
            }
            if (body.length > limit) {
                throw MessageTooLarge.body(body.length, limit);
            }
            List<byte[]> parts = elements(body, c.options().batchMaxRecords());
            for (int i = 0; i < parts.size(); i++) {
                out.add(i, element(i, request.withBody(parts.get(i)), c));
            }
            return out;
        } catch (BadRequestBody | MessageTooLarge | BudgetFull | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> element(
            int index, CapturedRequest element, KafkaUpstreamConfig c) throws BadRequestBody, MessageTooLarge {
        try {
            return Records.build(element, c);
        } catch (BadRequestBody e) {
            throw new BadRequestBody("batch element " + index + ": " + e.getMessage());
        } catch (MessageTooLarge e) {
            throw new MessageTooLarge("batch element " + index + ": " + e.getMessage());
        }
    }

    /** Element {@code index}'s records; the messages built so far count against the budget. */
    private void add(int index, List<ProducerRecord<byte[], byte[]>> built) throws BudgetFull {
        if (!built.isEmpty()) {
            reserve(built.get(0).value().length); // every topic's record shares the one value
        }
        for (ProducerRecord<byte[], byte[]> record : built) {
            records.add(record);
            elements.add(index);
        }
    }

    private void reserve(long bytes) throws BudgetFull {
        if (!budget.tryReserve(bytes)) {
            throw new BudgetFull(budget.used());
        }
        reserved += bytes;
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** The batch element each record came from (by position), or null when the request is not a batch. */
    public List<Integer> elements() {
        return elements;
    }

    /** Gives the budget back: the producer has its copy of the records, or they were never sent. */
    @Override
    public void close() {
        budget.release(reserved);
        reserved = 0;
    }

    private static boolean startsArray(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '[';
            }
        }
        return false;
    }

    /**
     * The elements of a JSON array, each exactly as its bytes stood in the body. Between two
     * elements JSON allows only whitespace and one comma, so an element is the text from its first
     * token up to the next element's (or the closing bracket), without those.
     */
    public static List<byte[]> elements(byte[] body, int max) throws BadRequestBody, MessageTooLarge {
        String text = Envelope.decode(body, StandardCharsets.UTF_8);
        if (text == null) {
            throw new BadRequestBody("could not parse the application/json body: not UTF-8");
        }
        List<byte[]> parts = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
            parser.nextToken(); // the opening bracket
            JsonToken token = parser.nextToken();
            while (token != JsonToken.END_ARRAY) {
                if (parts.size() == max) {
                    throw new MessageTooLarge(
                            "the JSON array has more than " + max + " elements, the most batch_max_records allows");
                }
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                token = parser.nextToken();
                int end = (int) parser.currentTokenLocation().getCharOffset();
                parts.add(element(text, start, end));
            }
            if (parser.nextToken() != null) {
                throw new BadRequestBody(
                        "could not parse the application/json body: trailing content after the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw new BadRequestBody("could not parse the application/json body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (parts.isEmpty()) {
            throw new BadRequestBody("the JSON array has no elements: a batch needs at least one");
        }
        return parts;
    }

    /** {@code text[start, end)} without the whitespace and comma before the next element. */
    private static byte[] element(String text, int start, int end) {
        int e = end;
        while (e > start && (Character.isWhitespace(text.charAt(e - 1)) || text.charAt(e - 1) == ',')) {
            e--;
        }
        return text.substring(start, e).getBytes(StandardCharsets.UTF_8);
    }
}
