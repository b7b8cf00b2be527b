package dev.kongjava.pluginserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.KongMetaschema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
    static final ConfigSchema<?> SCHEMA = ConfigSchema.builder()
            .add(Field.string("topic").required().lenMin(1).doc("Topic to write to."))
            .add(Field.integer("timeout").defaultValue(10000).between(1, 60000).mapsTo("request.timeout.ms"))
            .add(Field.number("ratio").defaultValue(0.5).gt(0))
            .add(Field.bool("enabled").defaultValue(true))
            .add(Field.string("mode").defaultValue("fast").oneOf("fast", "safe"))
            .add(Field.integer("acks").defaultValue(1).oneOf(-1, 0, 1))
            .add(Field.array("tags", Field.string("tag"))
                    .defaultValue(List.of())
                    .lenMax(3))
            .add(Field.set(
                            "servers",
                            Field.record(
                                    "server",
                                    Field.string("host").required(),
                                    Field.integer("port").required().between(0, 65535)))
                    .required()
                    .lenMin(1))
            .add(Field.map("labels", Field.string("key"), Field.string("value")))
            .add(Field.record(
                            "auth",
                            Field.string("user"),
                            Field.string("password").secret().referenceable(),
                            Field.string("certificate_id").uuid())
                    .required())
            .check(EntityCheck.conditional("auth.user", Match.eq("alice"), "auth.password", Match.required()))
            .build();

    static final String MINIMAL = "{\"topic\":\"t\",\"servers\":[{\"host\":\"h\",\"port\":9092}]}";

    private static ConfigValues parse(String json) {
        return SCHEMA.parse("probe", json);
    }

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> parse(json)).getMessage();
    }

    private static String with(String extra) {
        return MINIMAL.substring(0, MINIMAL.length() - 1) + "," + extra + "}";
    }

    @Test
    void defaultsAreAppliedToEveryMissingOrNullField() {
        ConfigValues c = parse(with("\"timeout\":null,\"auth\":null"));
        assertEquals(10000, c.integer("timeout"));
        assertEquals(0.5, c.number("ratio"));
        assertTrue(c.bool("enabled"));
        assertEquals("fast", c.string("mode"));
        assertEquals(1, c.integer("acks"));
        assertEquals(List.of(), c.strings("tags"));
        assertNull(c.string("auth.user"));
        assertEquals(Map.of(), c.map("labels"));
    }

    @Test
    void aRequiredRecordMissingIsExpandedFromItsFieldsAsKongDoes() {
        ConfigValues auth = parse(MINIMAL).record("auth");
        assertEquals(
                java.util.Set.of("user", "password", "certificate_id"),
                auth.toMap(false).keySet());
        assertNull(auth.string("user"));
    }

    @Test
    void keysKongInjectsAreIgnoredAndUnknownKeysAreReported() {
        String json = with("\"__seq__\":7,\"__plugin_id\":\"x\",\"__key__\":\"k\",\"route_id\":\"r\",\"extra\":1");
        assertEquals("t", parse(json).string("topic"));
        assertEquals(List.of("extra"), SCHEMA.unknownKeys("probe", json));
    }

    @Test
    void cjsonQuirksAreAcceptedEmptyObjectForArrayAndFloatForInteger() {
        ConfigValues c = parse(with("\"tags\":{},\"timeout\":2000.0,\"labels\":[]"));
        assertEquals(List.of(), c.strings("tags"));
        assertEquals(2000, c.integer("timeout"));
        assertEquals(Map.of(), c.map("labels"));
    }

    @Test
    void aNullElementOfAnArrayOrSetIsRefusedNamingTheElement() {
        assertEquals(
                "Invalid value null for configuration tags[2] of plugin probe: required field missing",
                error(with("\"tags\":[\"a\",null]")));
        assertEquals(
                "Invalid value null for configuration servers[1] of plugin probe: required field missing",
                error("{\"topic\":\"t\",\"servers\":[null]}"));
    }

    @Test
    void setsDropDuplicatesKeepingTheFirst() {
        ConfigValues c = parse(
                "{\"topic\":\"t\",\"servers\":[{\"host\":\"a\",\"port\":1},{\"host\":\"a\",\"port\":1},{\"host\":\"b\",\"port\":2}]}");
        assertEquals(2, c.records("servers").size());
        assertEquals("b", c.records("servers").get(1).string("host"));
    }

    @Test
    void everyRuleFailsWithFieldValueAndRuleNamed() {
        assertEquals(
                "Invalid value null for configuration topic of plugin probe: required field missing",
                error("{\"servers\":[{\"host\":\"h\",\"port\":1}]}"));
        assertEquals(
                "Invalid value \"\" for configuration topic of plugin probe: length must be at least 1",
                error("{\"topic\":\"\",\"servers\":[{\"host\":\"h\",\"port\":1}]}"));
        assertEquals(
                "Invalid value 0 for configuration timeout of plugin probe: value should be between 1 and 60000",
                error(with("\"timeout\":0")));
        assertEquals(
                "Invalid value 1.5 for configuration timeout of plugin probe: expected an integer",
                error(with("\"timeout\":1.5")));
        assertEquals(
                "Invalid value 0 for configuration ratio of plugin probe: value must be greater than 0",
                error(with("\"ratio\":0")));
        assertEquals(
                "Invalid value \"yes\" for configuration enabled of plugin probe: expected a boolean",
                error(with("\"enabled\":\"yes\"")));
        assertEquals(
                "Invalid value \"slow\" for configuration mode of plugin probe: expected one of: fast, safe",
                error(with("\"mode\":\"slow\"")));
        assertEquals(
                "Invalid value 2 for configuration acks of plugin probe: expected one of: -1, 0, 1",
                error(with("\"acks\":2")));
        assertEquals(
                "Invalid value [\"a\",\"b\",\"c\",\"d\"] for configuration tags of plugin probe: length must be at most 3",
                error(with("\"tags\":[\"a\",\"b\",\"c\",\"d\"]")));
        assertEquals(
                "Invalid value [] for configuration servers of plugin probe: length must be at least 1",
                error("{\"topic\":\"t\",\"servers\":[]}"));
        assertEquals(
                "Invalid value 70000 for configuration servers[1].port of plugin probe: value should be between 0 and 65535",
                error("{\"topic\":\"t\",\"servers\":[{\"host\":\"h\",\"port\":70000}]}"));
        assertEquals(
                "Invalid value \"abc\" for configuration auth.certificate_id of plugin probe: expected a valid UUID",
                error(with("\"auth\":{\"certificate_id\":\"abc\"}")));
        assertEquals(
                "Invalid value 5 for configuration labels.a of plugin probe: expected a string",
                error(with("\"labels\":{\"a\":5}")));
        assertEquals(
                "Invalid value \"x\" for configuration auth of plugin probe: expected a record",
                error(with("\"auth\":\"x\"")));
    }

    @Test
    void secretValuesAreMaskedInErrorsAndToString() {
        assertEquals(
                "Invalid value [hidden] for configuration auth.password of plugin probe: expected a string",
                error(with("\"auth\":{\"password\":42}")));
        ConfigValues c = parse(with("\"auth\":{\"user\":\"alice\",\"password\":\"s3cr3t-value\"}"));
        assertEquals("s3cr3t-value", c.string("auth.password"));
        assertFalse(c.toString().contains("s3cr3t-value"), c.toString());
        assertTrue(c.toString().contains("password=[hidden]"), c.toString());
    }

    @Test
    void crossFieldRulesNameTheFieldAndTheCondition() {
        assertEquals(
                "Invalid value null for configuration auth.password of plugin probe: required field missing "
                        + "(failed conditional validation given value of field 'config.auth.user')",
                error(with("\"auth\":{\"user\":\"alice\"}")));
    }

    @Test
    void configThatIsNotAJsonObjectIsRefusedClearly() {
        assertEquals("Invalid configuration of plugin probe: Config must be a JSON object", error("[1]"));
        assertTrue(error("{nope").startsWith("Invalid configuration of plugin probe: Config is not valid JSON: "));
    }

    @Test
    void theKongSchemaHasEveryTypeAndAttributeAsKongSpellsThem() throws Exception {
        String json = new ObjectMapper().writeValueAsString(SCHEMA.toKongSchema("probe", List.of("http", "https")));
        assertEquals(
                "{\"name\":\"probe\",\"fields\":["
                        + "{\"protocols\":{\"type\":\"set\",\"required\":true,\"default\":[\"http\",\"https\"],"
                        + "\"elements\":{\"type\":\"string\",\"one_of\":[\"http\",\"https\"]}}},"
                        + "{\"config\":{\"type\":\"record\",\"fields\":["
                        + "{\"topic\":{\"type\":\"string\",\"required\":true,\"len_min\":1}},"
                        + "{\"timeout\":{\"type\":\"integer\",\"default\":10000,\"between\":[1,60000]}},"
                        + "{\"ratio\":{\"type\":\"number\",\"default\":0.5,\"gt\":0}},"
                        + "{\"enabled\":{\"type\":\"boolean\",\"default\":true}},"
                        + "{\"mode\":{\"type\":\"string\",\"default\":\"fast\",\"one_of\":[\"fast\",\"safe\"]}},"
                        + "{\"acks\":{\"type\":\"integer\",\"default\":1,\"one_of\":[-1,0,1]}},"
                        + "{\"tags\":{\"type\":\"array\",\"default\":[],\"len_max\":3,\"elements\":{\"type\":\"string\"}}},"
                        + "{\"servers\":{\"type\":\"set\",\"required\":true,\"len_min\":1,\"elements\":{\"type\":\"record\",\"fields\":["
                        + "{\"host\":{\"type\":\"string\",\"required\":true}},"
                        + "{\"port\":{\"type\":\"integer\",\"required\":true,\"between\":[0,65535]}}]}}},"
                        + "{\"labels\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}}},"
                        + "{\"auth\":{\"type\":\"record\",\"required\":true,\"fields\":["
                        + "{\"user\":{\"type\":\"string\"}},"
                        + "{\"password\":{\"type\":\"string\",\"referenceable\":true}},"
                        + "{\"certificate_id\":{\"type\":\"string\",\"uuid\":true}}]}}]}}],"
                        + "\"entity_checks\":[{\"conditional\":{\"if_field\":\"config.auth.user\",\"if_match\":{\"eq\":\"alice\"},"
                        + "\"then_field\":\"config.auth.password\",\"then_match\":{\"required\":true}}}]}",
                json);
    }

    @Test
    void theKongSchemaPassesKongsMetaschemaRules() {
        assertEquals(List.of(), KongMetaschema.checkSubSchema(SCHEMA.toKongSchema("probe", List.of("http"))));
    }

    @Test
    void theSettingsTableHasARowPerFieldWithDottedPaths() {
        String table = SCHEMA.markdownTable();
        assertTrue(
                table.startsWith(
                        "| Field | Type | Default | Rule | Description | Maps to |\n|---|---|---|---|---|---|\n"),
                table);
        assertTrue(table.contains("| `topic` | string |  | required; length ≥ 1 | Topic to write to. |  |\n"), table);
        assertTrue(table.contains("| `timeout` | integer | `10000` | 1 to 60000 |  | request.timeout.ms |\n"), table);
        assertTrue(table.contains("| `servers[].port` | integer |  | required; 0 to 65535 |  |  |\n"), table);
        assertTrue(
                table.contains(
                        "| `auth.password` | string |  | vault reference allowed; secret, never logged |  |  |\n"),
                table);
        assertTrue(table.contains("| `labels` | map of string to string |"), table);
        assertTrue(table.endsWith("- auth.password must be set when auth.user is alice\n"), table);
    }

    @Test
    void matchAnyAcceptsAStringMatchingOneOfItsPatternsAndIsWrittenAsKongsMatchAny() throws Exception {
        ConfigSchema<?> schema = ConfigSchema.builder()
                .add(Field.string("version").matchAny("^%d+$", "^latest$"))
                .add(Field.string("named").matchAny("^%d+$", "^latest$").err("must be a number or latest"))
                .build();
        assertEquals("12", schema.parse("probe", "{\"version\":\"12\"}").string("version"));
        assertEquals("latest", schema.parse("probe", "{\"version\":\"latest\"}").string("version"));
        assertEquals(
                "Invalid value \"12latest\" for configuration version of plugin probe: invalid value: 12latest",
                assertThrows(ConfigException.class, () -> schema.parse("probe", "{\"version\":\"12latest\"}"))
                        .getMessage());
        assertEquals(
                "Invalid value \"v2\" for configuration named of plugin probe: must be a number or latest",
                assertThrows(ConfigException.class, () -> schema.parse("probe", "{\"named\":\"v2\"}"))
                        .getMessage());
        Map<String, Object> kong = schema.toKongSchema("probe", List.of());
        assertEquals(
                "{\"version\":{\"type\":\"string\",\"match_any\":{\"patterns\":[\"^%d+$\",\"^latest$\"]}}}",
                new ObjectMapper()
                        .writeValueAsString(((List<?>)
                                        ((Map<?, ?>) ((Map<?, ?>) ((List<?>) kong.get("fields")).get(0)).get("config"))
                                                .get("fields"))
                                .get(0)));
        assertEquals(List.of(), KongMetaschema.checkSubSchema(kong));
        assertTrue(
                schema.markdownTable()
                        .contains("| `version` | string |  | matches one of the Lua patterns `^%d+$`, "
                                + "`^latest$` |  |\n"),
                schema.markdownTable());
    }

    @Test
    void anInvalidDefaultStopsTheSchemaFromBuilding() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder()
                        .add(Field.integer("timeout").defaultValue(0).between(1, 10))
                        .build());
        assertEquals(
                "invalid config schema: default of timeout is invalid: Invalid value 0 for configuration "
                        + "timeout of plugin (schema): value should be between 1 and 10",
                e.getMessage());
    }

    @Test
    void duplicateAndBadlyNamedFieldsStopTheSchemaFromBuilding() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder()
                        .add(Field.string("a"))
                        .add(Field.string("a"))
                        .add(Field.string("Bad-Name"))
                        .build());
        assertEquals(
                "invalid config schema: duplicate field a; field name 'Bad-Name' must match [a-z_][a-z0-9_]*",
                e.getMessage());
    }

    @Test
    void attributesKongForbidsOnATypeAreRefusedAtDeclaration() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Field.bool("flag").oneOf(true));
        assertEquals("Kong does not allow 'one_of' on boolean field flag", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Field.string("s").between(1, 2));
        assertThrows(IllegalArgumentException.class, () -> Field.integer("i").uuid());
        assertThrows(IllegalArgumentException.class, () -> Field.integer("i").matchAny("^%d+$"));
    }
}
