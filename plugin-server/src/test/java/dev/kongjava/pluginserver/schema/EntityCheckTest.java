package dev.kongjava.pluginserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.KongMetaschema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks across fields and the field rules Kong checks itself: the dump spells them as Kong's
 * metaschema wants them, and StartInstance refuses what Kong refuses, with Kong's message.
 */
class EntityCheckTest {
    private static final ConfigSchema<?> SCHEMA = ConfigSchema.builder()
            .add(Field.string("a"))
            .add(Field.string("b"))
            .add(Field.array("c", Field.string("item")).defaultValue(List.of()))
            .add(Field.bool("flag").defaultValue(false))
            .add(Field.record(
                            "tls",
                            Field.bool("on").defaultValue(false),
                            Field.string("mode").oneOf("x", "y", "z"))
                    .required())
            .check(EntityCheck.atLeastOneOf("a", "b"))
            .check(EntityCheck.conditional("flag", Match.eq(true), "tls.on", Match.eq(true)))
            .check(EntityCheck.conditional("c", Match.required().and(Match.lenMin(1)), "b", Match.required()))
            .check(EntityCheck.conditional(
                    "tls.on", Match.eq(true), "tls.mode", Match.required().and(Match.oneOf("x", "y"))))
            .build();

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> SCHEMA.parse("p", json))
                .getMessage();
    }

    @Test
    void presenceChecksRefuseWithKongsMessageNamingTheConfigPaths() {
        assertEquals(
                "Invalid configuration of plugin p: at least one of these fields must be non-empty: "
                        + "'config.a', 'config.b'",
                error("{}"));
        assertEquals(
                "Invalid configuration of plugin p: at least one of these fields must be non-empty: "
                        + "'config.a', 'config.b'",
                error("{\"a\":\"\"}"));
        assertEquals("1", SCHEMA.parse("p", "{\"a\":\"1\"}").string("a"));
    }

    @Test
    void onlyOneOfMutuallyRequiredAndMutuallyExclusiveCountNonEmptyFieldsAsKongDoes() {
        ConfigSchema<?> only = ConfigSchema.builder()
                .add(Field.string("a"))
                .add(Field.bool("b"))
                .check(EntityCheck.onlyOneOf("a", "b"))
                .build();
        assertEquals(
                "Invalid configuration of plugin p: exactly one of these fields must be non-empty: "
                        + "'config.a', 'config.b'",
                assertThrows(ConfigException.class, () -> only.parse("p", "{\"a\":\"x\",\"b\":false}"))
                        .getMessage());
        assertEquals(false, only.parse("p", "{\"b\":false}").bool("b"));
        ConfigSchema<?> both = ConfigSchema.builder()
                .add(Field.string("a"))
                .add(Field.string("b"))
                .check(EntityCheck.mutuallyRequired("a", "b"))
                .build();
        assertEquals(
                "Invalid configuration of plugin p: all or none of these fields must be set: "
                        + "'config.a', 'config.b'",
                assertThrows(ConfigException.class, () -> both.parse("p", "{\"a\":\"x\"}"))
                        .getMessage());
        assertEquals("y", both.parse("p", "{\"a\":\"x\",\"b\":\"y\"}").string("b"));
        ConfigSchema<?> either = ConfigSchema.builder()
                .add(Field.string("a"))
                .add(Field.array("c", Field.string("i")))
                .check(EntityCheck.mutuallyExclusive("a", "c"))
                .build();
        assertEquals(
                "Invalid configuration of plugin p: only one or none of these fields must be set: "
                        + "'config.a', 'config.c'",
                assertThrows(ConfigException.class, () -> either.parse("p", "{\"a\":\"x\",\"c\":[\"y\"]}"))
                        .getMessage());
        assertEquals("x", either.parse("p", "{\"a\":\"x\",\"c\":[]}").string("a"));
    }

    @Test
    void aConditionalBlamesTheThenFieldWithItsMatchMessageAndKongsEntityMessage() {
        assertEquals(
                "Invalid value false for configuration tls.on of plugin p: value must be true "
                        + "(failed conditional validation given value of field 'config.flag')",
                error("{\"a\":\"1\",\"flag\":true}"));
        assertEquals(
                "Invalid value null for configuration b of plugin p: required field missing "
                        + "(failed conditional validation given value of field 'config.c')",
                error("{\"a\":\"1\",\"c\":[\"x\"]}"));
        assertEquals(
                "Invalid value null for configuration tls.mode of plugin p: required field missing "
                        + "(failed conditional validation given value of field 'config.tls.on')",
                error("{\"a\":\"1\",\"tls\":{\"on\":true}}"));
        assertEquals(
                "Invalid value \"z\" for configuration tls.mode of plugin p: expected one of: x, y "
                        + "(failed conditional validation given value of field 'config.tls.on')",
                error("{\"a\":\"1\",\"tls\":{\"on\":true,\"mode\":\"z\"}}"));
        // the same configs with the then-side satisfied, or the if-side not matching
        SCHEMA.parse("p", "{\"a\":\"1\",\"flag\":true,\"tls\":{\"on\":true,\"mode\":\"x\"}}");
        SCHEMA.parse("p", "{\"b\":\"1\",\"c\":[\"x\"],\"tls\":{\"mode\":\"z\"}}");
    }

    @Test
    void aThenMatchFailureTakesTheThenFieldsErrAsKongsInheritingMatchDoes() {
        ConfigSchema<?> schema = ConfigSchema.builder()
                .add(Field.bool("flag").defaultValue(false))
                .add(Field.string("code").match("^%l%l$").err("two lower-case letters"))
                .check(EntityCheck.conditional(
                        "flag", Match.eq(true), "code", Match.required().and(Match.oneOf("ab", "cd"))))
                .build();
        assertEquals(
                "Invalid value \"xy\" for configuration code of plugin p: two lower-case letters "
                        + "(failed conditional validation given value of field 'config.flag')",
                assertThrows(ConfigException.class, () -> schema.parse("p", "{\"flag\":true,\"code\":\"xy\"}"))
                        .getMessage());
        assertEquals(
                "Invalid value null for configuration code of plugin p: required field missing "
                        + "(failed conditional validation given value of field 'config.flag')",
                assertThrows(ConfigException.class, () -> schema.parse("p", "{\"flag\":true}"))
                        .getMessage());
    }

    @Test
    void aMatchWithoutRequiredOrEqAcceptsNullLikeKongsValidateField() {
        assertEquals(java.util.Optional.empty(), Match.lenMin(1).error(null));
        assertEquals(
                java.util.Optional.of("required field missing"),
                Match.required().and(Match.lenMin(1)).error(null));
        assertEquals(
                java.util.Optional.of("value must be sasl"), Match.eq("sasl").error(null));
        assertEquals(
                java.util.Optional.of("length must be at least 1"),
                Match.oneOf("", "x").error(""));
    }

    @Test
    void theDumpCarriesEachCheckAsKongSpellsItAndKongsMetaschemaAcceptsIt() throws Exception {
        Map<String, Object> kong = SCHEMA.toKongSchema("p", List.of());
        assertEquals(
                "[{\"at_least_one_of\":[\"config.a\",\"config.b\"]},"
                        + "{\"conditional\":{\"if_field\":\"config.flag\",\"if_match\":{\"eq\":true},"
                        + "\"then_field\":\"config.tls.on\",\"then_match\":{\"eq\":true}}},"
                        + "{\"conditional\":{\"if_field\":\"config.c\",\"if_match\":{\"required\":true,\"len_min\":1},"
                        + "\"then_field\":\"config.b\",\"then_match\":{\"required\":true}}},"
                        + "{\"conditional\":{\"if_field\":\"config.tls.on\",\"if_match\":{\"eq\":true},"
                        + "\"then_field\":\"config.tls.mode\",\"then_match\":{\"required\":true,\"one_of\":[\"x\",\"y\"]}}}]",
                new ObjectMapper().writeValueAsString(kong.get("entity_checks")));
        assertEquals(List.of(), KongMetaschema.checkSubSchema(kong));
    }

    @Test
    void eachCheckIsOneReadmeLine() {
        assertEquals(
                List.of(
                        "at least one of these must be set: a, b",
                        "tls.on must be true when flag is true",
                        "b must be set when c is set and not empty",
                        "tls.mode must be set and one of x, y when tls.on is true"),
                SCHEMA.checks().stream().map(EntityCheck::description).toList());
    }

    @Test
    void aCheckNamingNoFieldAnOptionalRecordOrAMisfittingMatchStopsTheSchemaFromBuilding() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder()
                        .add(Field.bool("flag"))
                        .add(Field.integer("n"))
                        .add(Field.record("opt", Field.string("x")))
                        .check(EntityCheck.atLeastOneOf("flag", "nope"))
                        .check(EntityCheck.mutuallyRequired("opt.x", "flag"))
                        .check(EntityCheck.conditional(
                                "flag", Match.oneOf(true), "n", Match.lenMin(1).and(Match.eq("1"))))
                        .build());
        assertEquals(
                "invalid config schema: at_least_one_of names nope, which is not a config field; "
                        + "mutually_required names opt.x inside the optional record opt; entity checks need required records; "
                        + "conditional on boolean field flag: one_of does not fit; "
                        + "conditional on integer field n: len_min, a String value does not fit",
                e.getMessage());
    }

    @Test
    void aConditionalInsideAnOptionalRecordThatHoldsBothFieldsIsSkippedWhenTheRecordIsNullAsKongSkipsIt() {
        ConfigSchema<?> schema = ConfigSchema.builder()
                .add(Field.record(
                        "opt", Field.string("mode").defaultValue("none"), Field.record("basic", Field.string("user"))))
                .check(EntityCheck.conditional("opt.mode", Match.eq("basic"), "opt.basic", Match.required()))
                .build();
        assertEquals(null, schema.parse("probe", "{}").get("opt"));
        assertEquals("none", schema.parse("probe", "{\"opt\":{}}").string("opt.mode"));
        assertEquals(
                "Invalid value null for configuration opt.basic of plugin probe: required field missing "
                        + "(failed conditional validation given value of field 'config.opt.mode')",
                assertThrows(ConfigException.class, () -> schema.parse("probe", "{\"opt\":{\"mode\":\"basic\"}}"))
                        .getMessage());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder()
                        .add(Field.bool("flag"))
                        .add(Field.record("opt", Field.string("x")))
                        .check(EntityCheck.conditional("flag", Match.eq(true), "opt.x", Match.required()))
                        .build());
        assertEquals(
                "invalid config schema: conditional names opt.x inside the optional record opt; entity checks "
                        + "need required records",
                e.getMessage(),
                "a record holding only some of the fields still may not be optional");
    }

    @Test
    void kongsFieldRulesRunInKongsOrderAndErrReplacesTheValidatorsText() {
        ConfigSchema<?> schema = ConfigSchema.builder()
                .add(Field.string("topic").lenMax(5).notOneOf(".", "..").match("^[%w._-]+$"))
                .add(Field.string("name").lenMax(4).match("^%l+$").err("lower-case letters, at most 4"))
                .add(Field.string("pin").secret().match("^%d+$"))
                .build();
        java.util.function.Function<String, String> error =
                json -> assertThrows(ConfigException.class, () -> schema.parse("p", json))
                        .getMessage();
        assertEquals(
                "Invalid value \"..\" for configuration topic of plugin p: must not be one of: ., ..",
                error.apply("{\"topic\":\"..\"}"));
        assertEquals(
                "Invalid value \"a/b\" for configuration topic of plugin p: invalid value: a/b",
                error.apply("{\"topic\":\"a/b\"}"));
        // Kong counts bytes, and len_max comes before match: "ééé" is 6 bytes
        assertEquals(
                "Invalid value \"ééé\" for configuration topic of plugin p: length must be at most 5",
                error.apply("{\"topic\":\"ééé\"}"));
        assertEquals(
                "Invalid value \"Bob\" for configuration name of plugin p: lower-case letters, at most 4",
                error.apply("{\"name\":\"Bob\"}"));
        assertEquals(
                "Invalid value \"alice\" for configuration name of plugin p: lower-case letters, at most 4",
                error.apply("{\"name\":\"alice\"}"));
        assertEquals(
                "Invalid value 7 for configuration name of plugin p: expected a string", error.apply("{\"name\":7}"));
        assertEquals(
                "Invalid value [hidden] for configuration pin of plugin p: invalid value: [hidden]",
                error.apply("{\"pin\":\"s3cret\"}"));
    }

    @Test
    void theNewFieldRulesAreInTheDumpAndTheTable() throws Exception {
        ConfigSchema<?> schema = ConfigSchema.builder()
                .add(Field.string("topic")
                        .notOneOf(".", "..")
                        .match("^[%w._-]+$")
                        .err("a topic name"))
                .add(Field.array("names", Field.string("name").notOneOf(".").match("^%w+$")))
                .build();
        assertEquals(
                "{\"type\":\"string\",\"not_one_of\":[\".\",\"..\"],\"match\":\"^[%w._-]+$\",\"err\":\"a topic name\"}",
                new ObjectMapper()
                        .writeValueAsString(
                                KongSchemaWriter.attributes(schema.fields().get(0))));
        // err words the rule for readers; without it the table lists the validators
        assertEquals(
                true,
                schema.markdownTable().contains("| `topic` | string |  | a topic name |  |"),
                schema.markdownTable());
        assertEquals(
                true,
                schema.markdownTable()
                        .contains(
                                "| `names` | array of string |  | each not `.`; matches the Lua pattern `^%w+$` |  |"),
                schema.markdownTable());
        assertEquals(
                "Kong does not allow 'match' on integer field n",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Field.integer("n").match("^%d$"))
                        .getMessage());
    }
}
