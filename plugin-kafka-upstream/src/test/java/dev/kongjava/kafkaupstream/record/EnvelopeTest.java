package dev.kongjava.kafkaupstream.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.Forward;
import dev.kongjava.pluginserver.pdk.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The message for every flag combination and body kind, compared as JSON (key order is free). */
class EnvelopeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Forward BODY = new Forward(false, false, false, true);
    private static final Forward ALL = new Forward(true, true, true, true);

    private static JsonNode build(Forward forward, String contentType, byte[] body) throws Exception {
        MultiMap headers = MultiMap.fromKong(
                contentType == null
                        ? Map.of("host", List.of("h"))
                        : Map.of("host", List.of("h"), "content-type", List.of(contentType)),
                true);
        CapturedRequest r = new CapturedRequest("POST", "/p?a=1", "a=1", headers, contentType, body);
        return JSON.readTree(Envelope.build(r, forward, Integer.MAX_VALUE));
    }

    private static JsonNode build(String contentType, String body) throws Exception {
        return build(BODY, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aMessageThatWouldPassTheLimitStopsBeingBuiltAndIsTooLarge() throws Exception {
        byte[] controls = new byte[1000]; // 1,000 bytes of \u0001: six times longer as JSON text
        java.util.Arrays.fill(controls, (byte) 1);
        MultiMap headers = MultiMap.fromKong(Map.of("content-type", List.of("text/plain")), true);
        CapturedRequest r = new CapturedRequest("POST", "/", "", headers, "text/plain", controls);
        MessageTooLarge e = assertThrows(MessageTooLarge.class, () -> Envelope.build(r, BODY, 2000));
        assertEquals(
                "the message built from the request is larger than producer_request_limits_bytes_per_request"
                        + " (2000 bytes)",
                e.getMessage());
        assertEquals(6026, Envelope.build(r, BODY, 6026).length, "a message exactly at the limit is built");
    }

    @Test
    void noBodyAndNoContentTypeGivesTheOriginalsEmptyBodyFields() throws Exception {
        assertEquals(json("{\"body\":\"\",\"body_args\":{},\"body_base64\":true}"), build(BODY, null, new byte[0]));
    }

    @Test
    void jsonBodyIsKeptRawAndParsedIntoBodyArgs() throws Exception {
        assertEquals(
                json(
                        "{\"body\":\"{\\\"foo\\\":\\\"bar\\\",\\\"n\\\":[1,2]}\",\"body_args\":{\"foo\":\"bar\",\"n\":[1,2]}}"),
                build("application/json", "{\"foo\":\"bar\",\"n\":[1,2]}"));
    }

    @Test
    void aCharsetParameterDoesNotChangeHowJsonIsRecognised() throws Exception {
        assertEquals(json("{\"body\":\"[1]\",\"body_args\":[1]}"), build("Application/JSON; charset=UTF-8", "[1]"));
    }

    @Test
    void malformedJsonIsABadRequestNamingTheCause() {
        BadRequestBody e = assertThrows(BadRequestBody.class, () -> build("application/json", "{\"foo\":"));
        assertEquals(
                "could not parse the application/json body: Unexpected end-of-input within/between Object entries",
                e.getMessage());
        assertThrows(BadRequestBody.class, () -> build("application/json", "{} trailing"));
        assertThrows(BadRequestBody.class, () -> build("application/json", "   "));
    }

    @Test
    void anEmptyBodyOfAParsedTypeHasEmptyBodyArgs() throws Exception {
        assertEquals(json("{\"body\":\"\",\"body_args\":{}}"), build("application/json", ""));
    }

    @Test
    void formBodyIsParsedWithRepeatsAsArraysAndFlagsAsTrue() throws Exception {
        assertEquals(
                json(
                        "{\"body\":\"a=1&b=x+y&b=%C3%A9&flag\",\"body_args\":{\"a\":\"1\",\"b\":[\"x y\",\"é\"],\"flag\":true}}"),
                build("application/x-www-form-urlencoded", "a=1&b=x+y&b=%C3%A9&flag"));
    }

    @Test
    void multipartFieldsAreParsedAndBinaryPartsAreBase64AndNamed() throws Exception {
        byte[] binary = {(byte) 0xff, 0, 1};
        String head = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nkong\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\na\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nb\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] body = concat(
                head.getBytes(StandardCharsets.UTF_8), binary, "\r\n--XyZ--\r\n".getBytes(StandardCharsets.UTF_8));
        JsonNode message = build(BODY, "multipart/form-data; boundary=XyZ", body);
        assertEquals(json("{\"name\":\"kong\",\"tag\":[\"a\",\"b\"],\"file\":\"/wAB\"}"), message.get("body_args"));
        assertEquals(json("[\"file\"]"), message.get("body_args_base64"));
        assertEquals(
                Base64.getEncoder().encodeToString(body), message.get("body").asText(), "raw body is not UTF-8");
        assertEquals(true, message.get("body_base64").asBoolean());
    }

    @Test
    void multipartWithoutBoundaryOrClosingDelimiterIsABadRequest() {
        assertEquals(
                "multipart/form-data without a boundary parameter",
                assertThrows(BadRequestBody.class, () -> build("multipart/form-data", "x"))
                        .getMessage());
        assertEquals(
                "multipart body ends without its closing boundary",
                assertThrows(
                                BadRequestBody.class,
                                () -> build(
                                        "multipart/form-data; boundary=b",
                                        "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv"))
                        .getMessage());
    }

    @Test
    void textTypesAreSentAsTextAndEverythingElseAsBase64() throws Exception {
        for (String type : List.of("text/plain", "text/html", "application/xml", "text/xml", "application/soap+xml")) {
            assertEquals(json("{\"body\":\"<a>é</a>\",\"body_args\":{}}"), build(type, "<a>é</a>"), type);
        }
        assertEquals(
                json("{\"body\":\"aGk=\",\"body_args\":{},\"body_base64\":true}"),
                build("application/octet-stream", "hi"));
        assertEquals(
                json("{\"body\":\"aGk=\",\"body_args\":{},\"body_base64\":true}"),
                build(BODY, null, "hi".getBytes(UTF_8)));
        assertEquals(
                json("{\"body\":\"aGk=\",\"body_args\":{},\"body_base64\":true}"),
                build("application/vnd.api+json", "hi"));
    }

    @Test
    void aTextBodyInADeclaredCharsetIsDecodedAndOneThatIsNotValidIsBase64() throws Exception {
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(
                json("{\"body\":\"café\",\"body_args\":{}}"), build(BODY, "text/plain; charset=ISO-8859-1", latin1));
        assertEquals(
                json("{\"body\":\"Y2Fm6Q==\",\"body_args\":{},\"body_base64\":true}"),
                build(BODY, "text/plain", latin1));
        assertEquals(
                json("{\"body\":\"Y2Fm6Q==\",\"body_args\":{},\"body_base64\":true}"),
                build(BODY, "text/plain; charset=x-unknown", latin1));
    }

    @Test
    void allFlagsGiveMethodUriArgsAndHeadersWithRepeatsAsArrays() throws Exception {
        MultiMap headers = MultiMap.fromKong(
                Map.of("host", List.of("h"), "x-multi", List.of("1", "2"), "content-type", List.of("application/json")),
                true);
        CapturedRequest r = new CapturedRequest(
                "POST",
                "/path?key1=value1&k=1&k=2&flag&e=",
                "key1=value1&k=1&k=2&flag&e=",
                headers,
                "application/json",
                "{\"foo\":\"bar\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                json("{\"method\":\"POST\",\"uri\":\"/path?key1=value1&k=1&k=2&flag&e=\","
                        + "\"uri_args\":{\"key1\":\"value1\",\"k\":[\"1\",\"2\"],\"flag\":true,\"e\":\"\"},"
                        + "\"headers\":{\"host\":\"h\",\"x-multi\":[\"1\",\"2\"],\"content-type\":\"application/json\"},"
                        + "\"body\":\"{\\\"foo\\\":\\\"bar\\\"}\",\"body_args\":{\"foo\":\"bar\"}}"),
                JSON.readTree(Envelope.build(r, ALL, Integer.MAX_VALUE)));
    }

    @Test
    void onlyTheForwardedPartsAppear() throws Exception {
        CapturedRequest r = new CapturedRequest("GET", "/kafka", "", null, null, null);
        assertEquals(
                json("{\"method\":\"GET\"}"),
                JSON.readTree(Envelope.build(r, new Forward(true, false, false, false), Integer.MAX_VALUE)));
        assertEquals(
                json("{\"uri\":\"/kafka\",\"uri_args\":{}}"),
                JSON.readTree(Envelope.build(r, new Forward(false, true, false, false), Integer.MAX_VALUE)));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
