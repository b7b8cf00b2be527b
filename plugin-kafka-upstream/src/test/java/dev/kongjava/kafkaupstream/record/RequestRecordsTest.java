package dev.kongjava.kafkaupstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch elements are cut out of the body byte for byte; what is not an array of 1 to max elements is refused. */
class RequestRecordsTest {
    private static List<String> elements(String body, int max) throws Exception {
        return RequestRecords.elements(body.getBytes(StandardCharsets.UTF_8), max).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .toList();
    }

    private static KafkaUpstreamConfig config(String json) {
        return KafkaUpstreamConfig.from(KafkaUpstreamSchema.SCHEMA.read("kafka-upstream", json));
    }

    @Test
    void eachElementIsItsTextAsSentWithoutTheCommasAndWhitespaceAroundIt() throws Exception {
        assertEquals(
                List.of(
                        "{\"a\" : [1, {\"b\":\"],[\"}]}",
                        "\"x, y\"",
                        "-1.5e3",
                        "true",
                        "null",
                        "\"\u00e9\u4e2d\ud83d\ude00\"",
                        "[ ]"),
                elements(
                        "\n[ {\"a\" : [1, {\"b\":\"],[\"}]} ,\t\"x, y\",-1.5e3\r\n,true,null,\"\u00e9\u4e2d\ud83d\ude00\","
                                + "[ ] ]  ",
                        10));
        assertEquals(List.of("1"), elements("[1]", 1));
    }

    @Test
    void tooManyElementsNoneTrailingContentOrBrokenJsonAreRefused() {
        assertEquals(
                "the JSON array has more than 2 elements, the most batch_max_records allows",
                assertThrows(MessageTooLarge.class, () -> elements("[1,2,3]", 2))
                        .getMessage());
        assertEquals(
                "the JSON array has no elements: a batch needs at least one",
                assertThrows(BadRequestBody.class, () -> elements("[]", 2)).getMessage());
        assertEquals(
                "could not parse the application/json body: trailing content after the JSON value",
                assertThrows(BadRequestBody.class, () -> elements("[1] [2]", 2)).getMessage());
        assertEquals(
                "could not parse the application/json body: Unexpected character (']' (code 93)): expected a valid "
                        + "value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                assertThrows(BadRequestBody.class, () -> elements("[1,]", 2)).getMessage());
        assertEquals(
                "could not parse the application/json body: not UTF-8",
                assertThrows(BadRequestBody.class, () -> RequestRecords.elements(new byte[] {'[', (byte) 0xff, ']'}, 2))
                        .getMessage());
    }

    /** Each element's message counts against the build budget as it is built: many small ones cannot pass it. */
    @Test
    void aBatchWhoseMessagesPassTheBuildBudgetIsRefusedAndGivesEverythingBack() throws Exception {
        KafkaUpstreamConfig c = config("{\"bootstrap_servers\":[{\"host\":\"k\",\"port\":1}],"
                + "\"topic\":\"t\",\"batch_json_array\":true,\"batch_max_records\":1000}");
        byte[] body = ("[" + "1,".repeat(199) + "1]").getBytes(StandardCharsets.UTF_8);
        CapturedRequest request = new CapturedRequest(null, null, null, null, "application/json", body);
        long upfront = BuildBudget.estimate(body.length, c.producer().bytesPerRequest()) + body.length;
        int message = "{\"body_args\":1,\"body\":\"1\"}".length();

        BuildBudget tight = new BuildBudget(upfront + 50L * message);
        assertEquals(
                upfront + 50L * message + " bytes of messages are being built",
                assertThrows(RequestRecords.BudgetFull.class, () -> RequestRecords.build(request, c, tight))
                        .getMessage(),
                "the 51st message did not fit");
        assertEquals(0, tight.used(), "nothing stays reserved");

        BuildBudget enough = new BuildBudget(upfront + 200L * message);
        try (RequestRecords built = RequestRecords.build(request, c, enough)) {
            assertEquals(200, built.records().size());
            assertEquals(upfront + 200L * message, enough.used(), "the body's share and every message");
        }
        assertEquals(0, enough.used());
    }
}
