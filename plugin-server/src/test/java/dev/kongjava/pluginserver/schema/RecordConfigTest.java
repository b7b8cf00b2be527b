package dev.kongjava.pluginserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A config record is the whole declaration: its components give Kong's schema (types, rules,
 * defaults), the validation at StartInstance, and the typed value an instance reads.
 */
class RecordConfigTest {
    enum Mode {
        FAST,
        @Name("Very-Safe")
        SAFE
    }

    record Server(
            @Required @LenMin(1) String host,
            @Required @Between(min = 0, max = 65535) int port) {}

    record Tls(@Default("false") boolean on, @Uuid String certificateId) {}

    record Config(
            @Required @Doc("Brokers to connect to.") Set<Server> servers,

            @Required @Matches("^[%w._-]+$") @Err("a topic name")
            String topic,

            @Default("10000") @Between(min = 1, max = 60000) int timeout,
            @Default("fast") Mode mode,
            @Default("[]") List<@Uuid String> caIds,
            @Default("{}") Map<String, @LenMin(1) String> renames,
            @Secret @Referenceable String password,
            @Default("0.5") double ratio,
            Long limit,
            @Required Tls tls) {}

    private static final ConfigSchema<Config> SCHEMA = ConfigSchema.of(Config.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theComponentsAreTheKongFieldsWithTheirRulesAndDefaults() throws Exception {
        String fields =
                JSON.writeValueAsString(SCHEMA.toKongSchema("p", List.of()).get("fields"));
        assertEquals(
                "[{\"config\":{\"type\":\"record\",\"fields\":["
                        + "{\"servers\":{\"type\":\"set\",\"required\":true,"
                        + "\"elements\":{\"type\":\"record\",\"fields\":["
                        + "{\"host\":{\"type\":\"string\",\"required\":true,\"len_min\":1}},"
                        + "{\"port\":{\"type\":\"integer\",\"required\":true,\"between\":[0,65535]}}]}}},"
                        + "{\"topic\":{\"type\":\"string\",\"required\":true,\"match\":\"^[%w._-]+$\",\"err\":\"a topic name\"}},"
                        + "{\"timeout\":{\"type\":\"integer\",\"default\":10000,\"between\":[1,60000]}},"
                        + "{\"mode\":{\"type\":\"string\",\"default\":\"fast\",\"one_of\":[\"fast\",\"Very-Safe\"]}},"
                        + "{\"ca_ids\":{\"type\":\"array\",\"default\":[],\"elements\":{\"type\":\"string\",\"uuid\":true}}},"
                        + "{\"renames\":{\"type\":\"map\",\"default\":{},\"keys\":{\"type\":\"string\"},"
                        + "\"values\":{\"type\":\"string\",\"len_min\":1}}},"
                        + "{\"password\":{\"type\":\"string\",\"referenceable\":true}},"
                        + "{\"ratio\":{\"type\":\"number\",\"default\":0.5}},"
                        + "{\"limit\":{\"type\":\"integer\"}},"
                        + "{\"tls\":{\"type\":\"record\",\"required\":true,\"fields\":["
                        + "{\"on\":{\"type\":\"boolean\",\"default\":false}},"
                        + "{\"certificate_id\":{\"type\":\"string\",\"uuid\":true}}]}}]}}]",
                fields);
    }

    @Test
    void aValidatedConfigIsReadAsTheRecordWithDefaultsAndNestedValues() {
        Config c = SCHEMA.read(
                "p",
                "{\"servers\":[{\"host\":\"k1\",\"port\":9092},{\"host\":\"k1\",\"port\":9092},"
                        + "{\"host\":\"k2\",\"port\":9093}],\"topic\":\"orders\",\"mode\":\"Very-Safe\","
                        + "\"ca_ids\":[\"6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e\"],\"renames\":{\"a\":\"b\"},\"password\":\"pw\","
                        + "\"tls\":{\"certificate_id\":null},\"route_id\":\"x\"}");
        assertEquals(List.of(new Server("k1", 9092), new Server("k2", 9093)), List.copyOf(c.servers()));
        assertEquals("orders", c.topic());
        assertEquals(10000, c.timeout());
        assertEquals(Mode.SAFE, c.mode());
        assertEquals(List.of("6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e"), c.caIds());
        assertEquals(Map.of("a", "b"), c.renames());
        assertEquals("pw", c.password());
        assertEquals(0.5, c.ratio());
        assertEquals(null, c.limit());
        assertEquals(new Tls(false, null), c.tls());
    }

    @Test
    void aConfigBreakingAComponentsRuleIsRefusedNamingIt() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> SCHEMA.read("p", "{\"servers\":[{\"host\":\"k1\",\"port\":99999}],\"topic\":\"t\",\"tls\":{}}"));
        assertEquals(
                "Invalid value 99999 for configuration servers[1].port of plugin p: value should be between 0 and 65535",
                e.getMessage());
    }

    record NoDefault(int count) {}

    @SuppressWarnings("rawtypes") // the raw List is what the test feeds the binder
    record Untyped(List items) {}

    record OddKeys(Map<Integer, String> byNumber) {}

    record Unknown(Object anything) {}

    record NotAllowed(@Between(min = 1, max = 2) String text) {}

    @Test
    void aComponentKongCannotTakeStopsTheSchemaWhenItIsDeclaredNamingIt() {
        assertEquals(
                "NoDefault.count is a int, which cannot be null: give it @Default or @Required",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(NoDefault.class))
                        .getMessage());
        assertEquals(
                "Untyped.items: give the collection's element type, e.g. List<String>",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(Untyped.class))
                        .getMessage());
        assertEquals(
                "OddKeys.byNumber: a map's keys must be strings",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(OddKeys.class))
                        .getMessage());
        assertEquals(
                "Unknown.anything: a config field cannot be a java.lang.Object",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(Unknown.class))
                        .getMessage());
        assertEquals(
                "Kong does not allow 'between' on string field text",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(NotAllowed.class))
                        .getMessage());
    }

    @Test
    void checksAcrossFieldsNameTheRecordsFieldsAndAWrongPathStopsTheSchema() {
        ConfigSchema<Config> checked = ConfigSchema.builder(Config.class)
                .check(EntityCheck.conditional("tls.certificate_id", Match.required(), "tls.on", Match.eq(true)))
                .build();
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> checked.read(
                        "p",
                        "{\"servers\":[{\"host\":\"k\",\"port\":1}],\"topic\":\"t\","
                                + "\"tls\":{\"certificate_id\":\"6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e\"}}"));
        assertTrue(
                e.getMessage().startsWith("Invalid value false for configuration tls.on of plugin p"), e.getMessage());
        IllegalStateException wrong = assertThrows(
                IllegalStateException.class,
                () -> ConfigSchema.builder(Config.class)
                        .check(EntityCheck.conditional("tls.certificate", Match.required(), "tls.on", Match.eq(true)))
                        .build());
        assertTrue(wrong.getMessage().contains("tls.certificate"), wrong.getMessage());
    }

    record Acks(
            @Default("1") @OneOf({"-1", "0", "1"}) int acks,

            @MatchAny({"^%d+$", "^latest$"}) @Err("a version or latest")
            String version) {}

    @Test
    void anIntWithOneOfIsBoundedByItsValuesAndMatchAnyIsKongsAlternation() throws Exception {
        ConfigSchema<Acks> schema = ConfigSchema.of(Acks.class);
        assertEquals(
                "[{\"acks\":{\"type\":\"integer\",\"default\":1,\"one_of\":[-1,0,1]}},"
                        + "{\"version\":{\"type\":\"string\",\"match_any\":{\"patterns\":[\"^%d+$\",\"^latest$\"]},"
                        + "\"err\":\"a version or latest\"}}]",
                JSON.writeValueAsString(schema.fields().stream()
                        .map(f -> Map.of(f.name(), KongSchemaWriter.attributes(f)))
                        .toList()));
        assertEquals(new Acks(-1, "latest"), schema.read("p", "{\"acks\":-1,\"version\":\"latest\"}"));
        assertEquals(
                "Invalid value \"next\" for configuration version of plugin p: a version or latest",
                assertThrows(ConfigException.class, () -> schema.read("p", "{\"version\":\"next\"}"))
                        .getMessage());
    }

    record WideAcks(
            @Default("1") @OneOf({"1", "4294967296"}) int acks) {}

    @Test
    void anIntWhoseOneOfValueAnIntCannotHoldStopsTheSchema() {
        assertEquals(
                "WideAcks.acks is an int, which cannot hold @OneOf value 4294967296",
                assertThrows(IllegalArgumentException.class, () -> ConfigSchema.of(WideAcks.class))
                        .getMessage());
    }
}
