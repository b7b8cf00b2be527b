package dev.kongjava.testkit.luapeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer validates a plugin config as Kong's Admin API does when it is written: fields in Kong's
 * validator order with Kong's texts, every entity check kind a JSON schema can carry, Kong's
 * schema violation body and message.
 */
class LuaPeerValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One field group per check kind, so each can fail alone. */
    private static final String DUMP = """
            [{"Name":"v","Version":"1.0.0","Priority":1,"Phases":["access"],"Schema":{"name":"v",
              "fields":[{"config":{"type":"record","fields":[
                {"a":{"type":"string"}},{"b":{"type":"string"}},{"c":{"type":"string"}},{"d":{"type":"string"}},
                {"e":{"type":"string"}},{"f":{"type":"string"}},{"g":{"type":"string"}},{"h":{"type":"string"}},
                {"i":{"type":"string"}},{"j":{"type":"string"}},{"k":{"type":"string"}},{"l":{"type":"string"}},
                {"mode":{"type":"string","one_of":["x","y","z"]}},
                {"flag":{"type":"boolean","default":false}},
                {"n":{"type":"integer","default":1,"between":[0,10]}},
                {"name":{"type":"string","len_max":5,"not_one_of":[".",".."],"match":"^%w+$","err":"a short word"}},
                {"tags":{"type":"array","default":[],"elements":{"type":"string","match":"^%l+$"}}},
                {"tls":{"type":"record","required":true,"fields":[
                    {"on":{"type":"boolean","default":false}},{"cert":{"type":"string"}},{"key":{"type":"string"}}],
                  "entity_checks":[{"mutually_required":["cert","key"]}]}}]}}],
              "entity_checks":[
                {"at_least_one_of":["config.a","config.b"]},
                {"only_one_of":["config.c","config.d"]},
                {"distinct":["config.e","config.f"]},
                {"mutually_required":["config.g","config.h"]},
                {"mutually_exclusive":["config.i","config.j"]},
                {"mutually_exclusive_sets":{"set1":["config.k"],"set2":["config.l"]}},
                {"conditional":{"if_field":"config.mode","if_match":{"eq":"y"},
                                "then_field":"config.tls.cert","then_match":{"required":true}}},
                {"conditional":{"if_field":"config.flag","if_match":{"eq":true},
                                "then_field":"config.tls.on","then_match":{"eq":true},"then_err":"%s needs tls"}},
                {"conditional_at_least_one_of":{"if_field":"config.mode","if_match":{"eq":"x"},
                                "then_at_least_one_of":["config.e"],"else_match":{"eq":"z"},
                                "else_then_at_least_one_of":["config.f"],"else_then_err":"z needs %s"}},
                {"conditional":{"if_field":"config.n","if_match":{"eq":7},
                                "then_field":"config.name","then_match":{"one_of":["abc"]}}}]}}]
            """;

    private static final String VALID = "\"a\":\"1\",\"c\":\"1\"";

    @TempDir
    static Path tmp;

    private static FakePluginServer server;
    private static LuaPeer peer;

    @BeforeAll
    static void start() throws IOException {
        Prerequisites.requireLuaPeer();
        Path dump = Files.writeString(tmp.resolve("dump.json"), DUMP);
        server = new FakePluginServer(tmp.resolve("v.socket"));
        peer = LuaPeer.builder()
                .socketPath(tmp.resolve("v.socket"))
                .queryCommand("cat", dump.toString())
                .declarativeConfig("{}")
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Kong's answer to writing the plugin with {@code config} (JSON object members). */
    private static HttpResponse<String> write(String config) {
        return peer.validatePlugin("{\"name\":\"v\",\"config\":{" + config + "}}");
    }

    private static void assertRefused(String config, String message, String fields) throws IOException {
        HttpResponse<String> r = write(config);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(
                JSON.readTree("{\"code\":2,\"name\":\"schema violation\",\"message\":"
                        + JSON.writeValueAsString(message) + ",\"fields\":" + fields + "}"),
                JSON.readTree(r.body()),
                r.body());
    }

    private static void assertAccepted(String config) throws IOException {
        HttpResponse<String> r = write(config);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(JSON.readTree("{\"message\":\"schema validation successful\"}"), JSON.readTree(r.body()));
    }

    @Test
    void presenceChecksRefuseWithKongsEntityMessageAndPassWhenSatisfied() throws IOException {
        assertRefused(
                "\"c\":\"1\"",
                "schema violation (at least one of these fields must be non-empty: 'config.a', " + "'config.b')",
                "{\"@entity\":[\"at least one of these fields must be non-empty: 'config.a', 'config.b'\"]}");
        assertRefused(
                VALID + ",\"d\":\"2\"",
                "schema violation (exactly one of these fields must be non-empty: " + "'config.c', 'config.d')",
                "{\"@entity\":[\"exactly one of these fields must be non-empty: 'config.c', " + "'config.d'\"]}");
        assertRefused(
                VALID + ",\"e\":\"s\",\"f\":\"s\"",
                "schema violation (values of these fields must be distinct: " + "'config.e', 'config.f')",
                "{\"@entity\":[\"values of these fields must be distinct: 'config.e', " + "'config.f'\"]}");
        assertRefused(
                VALID + ",\"g\":\"1\"",
                "schema violation (all or none of these fields must be set: 'config.g', " + "'config.h')",
                "{\"@entity\":[\"all or none of these fields must be set: 'config.g', 'config.h'\"]}");
        assertRefused(
                VALID + ",\"i\":\"1\",\"j\":\"1\"",
                "schema violation (only one or none of these fields must be " + "set: 'config.i', 'config.j')",
                "{\"@entity\":[\"only one or none of these fields must be set: " + "'config.i', 'config.j'\"]}");
        assertRefused(
                VALID + ",\"k\":\"1\",\"l\":\"1\"",
                "schema violation (these sets are mutually exclusive: " + "('config.k'), ('config.l'))",
                "{\"@entity\":[\"these sets are mutually exclusive: ('config.k'), " + "('config.l')\"]}");
        assertAccepted(VALID + ",\"b\":\"2\",\"e\":\"s\",\"f\":\"t\",\"g\":\"1\",\"h\":\"1\",\"i\":\"1\",\"k\":\"1\"");
        assertAccepted("\"a\":\"1\",\"d\":\"1\",\"j\":\"1\",\"l\":\"1\"");
    }

    @Test
    void aConditionalBlamesItsThenFieldAndAddsKongsEntityMessageOrItsThenErr() throws IOException {
        assertRefused(
                VALID + ",\"mode\":\"y\"",
                "2 schema violations (failed conditional validation given value of "
                        + "field 'config.mode'; config.tls: {\n  cert = \"required field missing\"\n})",
                "{\"@entity\":[\"failed conditional validation given value of field 'config.mode'\"],"
                        + "\"config\":{\"tls\":{\"cert\":\"required field missing\"}}}");
        assertRefused(
                VALID + ",\"flag\":true",
                "2 schema violations (config.flag needs tls; config.tls: {\n" + "  on = \"value must be true\"\n})",
                "{\"@entity\":[\"config.flag needs tls\"],\"config\":{\"tls\":{\"on\":\"value must be true\"}}}");
        assertAccepted(VALID + ",\"mode\":\"y\",\"flag\":true,\"tls\":{\"on\":true,\"cert\":\"c\",\"key\":\"k\"}");
    }

    @Test
    void aThenMatchInheritsTheThenFieldsAttributesSoItsErrNamesTheFailure() throws IOException {
        assertRefused(
                VALID + ",\"n\":7,\"name\":\"abd\"",
                "2 schema violations (" + "failed conditional validation "
                        + "given value of field 'config.n'; config.name: a short word)",
                "{\"@entity\":[\"failed conditional validation given value of field 'config.n'\"],"
                        + "\"config\":{\"name\":\"a short word\"}}");
        assertAccepted(VALID + ",\"n\":7,\"name\":\"abc\"");
    }

    @Test
    void conditionalAtLeastOneOfRunsItsThenOrElseBranch() throws IOException {
        assertRefused(
                VALID + ",\"mode\":\"x\"",
                "schema violation (at least one of these fields must be non-empty: " + "'config.e')",
                "{\"@entity\":[\"at least one of these fields must be non-empty: 'config.e'\"]}");
        assertRefused(
                VALID + ",\"mode\":\"z\"",
                "schema violation (z needs 'config.f')",
                "{\"@entity\":[\"z needs 'config.f'\"]}");
        assertAccepted(VALID + ",\"mode\":\"x\",\"e\":\"1\"");
        assertAccepted(VALID + ",\"mode\":\"z\",\"f\":\"1\"");
    }

    @Test
    void aRecordsOwnEntityChecksReportInsideTheRecord() throws IOException {
        assertRefused(
                VALID + ",\"tls\":{\"cert\":\"c\"}",
                "schema violation (config.tls: {\n  [\"@entity\"] = {\n"
                        + "    \"all or none of these fields must be set: 'cert', 'key'\"\n  }\n})",
                "{\"config\":{\"tls\":{\"@entity\":[\"all or none of these fields must be set: 'cert', 'key'\"]}}}");
    }

    @Test
    void fieldRulesRunInKongsOrderWithKongsTextsAndErrReplacesTheirs() throws IOException {
        assertRefused(
                VALID + ",\"name\":\"..\"",
                "schema violation (config.name: a short word)",
                "{\"config\":{\"name\":\"a short word\"}}");
        assertRefused(
                VALID + ",\"n\":11,\"name\":7,\"zzz\":1,\"tags\":[\"ok\",\"Not\"],\"b\":\"\"",
                "5 schema violations (config.b: length must be at least 1; config.n: value should be between 0 and 10; "
                        + "config.name: expected a string; config.tags: {\n  [2] = \"invalid value: Not\"\n}; "
                        + "config.zzz: unknown field)",
                "{\"config\":{\"b\":\"length must be at least 1\",\"n\":\"value should be between 0 and 10\","
                        + "\"name\":\"expected a string\",\"tags\":[null,\"invalid value: Not\"],\"zzz\":\"unknown field\"}}");
        assertAccepted(VALID + ",\"name\":\"abc\",\"tags\":[\"ok\"]");
    }

    @Test
    void aDeclarativeConfigWithAPluginFailingAnEntityCheckIsRefusedWithKongsMessage() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> peer.reconfigure(
                        "{\"routes\":[{\"name\":\"r\",\"paths\":[\"/v\"],\"plugins\":[{\"name\":\"v\",\"config\":{\"c\":\"1\"}}]}]}"));
        assertTrue(
                e.getMessage()
                        .endsWith("(v): schema violation (at least one of these fields must be non-empty: "
                                + "'config.a', 'config.b')"),
                e.getMessage());
        peer.reconfigure("{\"routes\":[{\"name\":\"r\",\"paths\":[\"/v\"],\"plugins\":[{\"name\":\"v\",\"config\":{"
                + VALID + "}}]}]}");
    }

    @Test
    void aMissingOrUnknownPluginNameIsKongsNameError() throws IOException {
        HttpResponse<String> r = peer.validatePlugin("{\"name\":\"nope\",\"config\":{}}");
        assertEquals(400, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(
                "schema violation (name: plugin 'nope' not enabled; add it to the 'plugins' configuration property)",
                body.get("message").asText());
        assertEquals(
                "required field missing",
                JSON.readTree(peer.validatePlugin("{\"config\":{}}").body())
                        .at("/fields/name")
                        .asText());
    }

    @Test
    void aDumpWithAnEntityCheckKongDoesNotKnowStopsThePeerAsItStopsKong() throws IOException {
        Path bad = Files.writeString(
                tmp.resolve("bad.json"),
                DUMP.replace("\"distinct\"", "\"all_distinct\"")
                        .replace("\"if_match\":{\"eq\":true}", "\"if_match\":{\"eq\":true,\"type\":\"boolean\"}")
                        .replace("\"config.h\"", "\"config.nope\""));
        IOException e = assertThrows(
                IOException.class,
                () -> LuaPeer.builder()
                        .socketPath(tmp.resolve("v.socket"))
                        .queryCommand("cat", bad.toString())
                        .declarativeConfig("{}")
                        .start());
        assertTrue(
                e.getMessage()
                        .contains("error loading plugin schemas: on plugin 'v': entity_checks.3.all_distinct: "
                                + "unknown field; entity_checks.4.mutually_required: 'config.nope' names no field of the schema; "
                                + "entity_checks.8.conditional.if_match.type: unknown field"),
                e.getMessage());
    }
}
