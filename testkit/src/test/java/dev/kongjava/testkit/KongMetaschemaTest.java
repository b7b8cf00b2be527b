package dev.kongjava.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What Kong's MetaSubSchema accepts in a dumped plugin schema, entity checks included. */
class KongMetaschemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELDS = "\"fields\":[{\"config\":{\"type\":\"record\",\"fields\":["
            + "{\"a\":{\"type\":\"string\"}},{\"b\":{\"type\":\"boolean\",\"default\":false}},"
            + "{\"r\":{\"type\":\"record\",\"required\":true,\"fields\":[{\"x\":{\"type\":\"string\"}}]}}]}}]";

    private static List<String> problems(String entityChecks) throws Exception {
        Map<String, Object> schema = JSON.readValue(
                "{\"name\":\"p\"," + FIELDS + ",\"entity_checks\":" + entityChecks + "}",
                new TypeReference<Map<String, Object>>() {});
        return KongMetaschema.checkSubSchema(schema);
    }

    @Test
    void everyCheckKindKongKnowsIsAcceptedWithPathsThatNameFields() throws Exception {
        assertEquals(
                List.of(),
                problems("["
                        + "{\"at_least_one_of\":[\"config.a\",\"config.r.x\"]},{\"only_one_of\":[\"config.a\",\"config.b\"]},"
                        + "{\"distinct\":[\"config.a\",\"config.r.x\"]},{\"mutually_required\":[\"config.a\",\"config.r.x\"]},"
                        + "{\"mutually_exclusive\":[\"config.a\",\"config.r.x\"]},"
                        + "{\"conditional\":{\"if_field\":\"config.b\",\"if_match\":{\"eq\":true},\"then_field\":\"config.a\","
                        + "\"then_match\":{\"required\":true,\"match\":\"^%w+$\",\"len_max\":3},\"then_err\":\"a needs b\"}},"
                        + "{\"conditional_at_least_one_of\":{\"if_field\":\"config.b\",\"if_match\":{\"eq\":true},"
                        + "\"then_at_least_one_of\":[\"config.a\"],\"else_match\":{\"eq\":false},"
                        + "\"else_then_at_least_one_of\":[\"config.r.x\"]}},"
                        + "{\"mutually_exclusive_sets\":{\"set1\":[\"config.a\"],\"set2\":[\"config.r.x\"]}}]"));
    }

    @Test
    void unknownKindsLuaOnlyChecksUnknownKeysAndPathsThatNameNoFieldAreRefused() throws Exception {
        assertEquals(
                List.of(
                        "entity_checks[1].at_least_one_true: unknown entity check (Kong knows at_least_one_of, conditional, "
                                + "conditional_at_least_one_of, distinct, mutually_exclusive, mutually_exclusive_sets, "
                                + "mutually_required, only_one_of)",
                        "entity_checks[2].custom_entity_check: needs a Lua function, which a JSON dump cannot carry",
                        "entity_checks[3].at_least_one_of: 'a' names no field of the schema",
                        "entity_checks[3].at_least_one_of: 'config.r.y' names no field of the schema",
                        "entity_checks[4].conditional.then_match.type: unknown field",
                        "entity_checks[5].conditional.then_match: required field missing",
                        "entity_checks[5].conditional.run_with_missing_fields: unknown field (not on every Kong 3.x)",
                        "entity_checks[6]: each entry must map exactly one check kind"),
                problems("[{\"at_least_one_true\":[\"config.a\"]},"
                        + "{\"custom_entity_check\":{\"field_sources\":[\"config.a\"]}},"
                        + "{\"at_least_one_of\":[\"a\",\"config.r.y\"]},"
                        + "{\"conditional\":{\"if_field\":\"config.b\",\"if_match\":{},\"then_field\":\"config.a\","
                        + "\"then_match\":{\"type\":\"string\"}}},"
                        + "{\"conditional\":{\"if_field\":\"config.b\",\"if_match\":{},\"then_field\":\"config.a\","
                        + "\"run_with_missing_fields\":true}},"
                        + "{\"only_one_of\":[\"config.a\"],\"distinct\":[\"config.a\"]}]"));
    }

    @Test
    void keysAPluginSchemaCannotHaveAreRefused() throws Exception {
        Map<String, Object> schema = JSON.readValue(
                "{\"name\":\"p\"," + FIELDS + ",\"checks\":[]}", new TypeReference<Map<String, Object>>() {});
        assertEquals(List.of("checks: unknown field of a plugin schema"), KongMetaschema.checkSubSchema(schema));
    }
}
