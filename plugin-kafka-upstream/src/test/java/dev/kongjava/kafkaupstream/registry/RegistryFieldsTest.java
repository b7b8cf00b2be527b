package dev.kongjava.kafkaupstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema_registry record: Enterprise's names and defaults, its rules, and what an instance makes of it. */
class RegistryFieldsTest {
    /** A config of the schema_registry record alone. */
    record Holder(RegistryFields schemaRegistry) {}

    private static final ConfigSchema<Holder> SCHEMA = ConfigSchema.builder(Holder.class)
            .check(RegistryFields.BASIC_NEEDS_CREDENTIALS)
            .check(RegistryFields.OAUTH2_NEEDS_A_CLIENT)
            .build();

    private static Holder parse(String confluent) {
        return SCHEMA.read("kafka-upstream", "{\"schema_registry\":{\"confluent\":" + confluent + "}}");
    }

    private static RegistrySettings settings(String confluent) {
        return from(parse(confluent));
    }

    private static RegistrySettings from(Holder config) {
        return RegistrySettings.from(config.schemaRegistry());
    }

    private static String error(String confluent) {
        return assertThrows(ConfigException.class, () -> parse(confluent)).getMessage();
    }

    @Test
    void withoutAValueOrKeySchemaNothingIsSerialized() {
        assertNull(from(SCHEMA.read("kafka-upstream", "{}")));
        assertNull(from(SCHEMA.read("kafka-upstream", "{\"schema_registry\":{}}")));
        assertNull(settings("{\"url\":\"http://registry:8081\"}"));
    }

    @Test
    void aValueSchemaByNameUsesTheLatestVersionNoTtlVerificationAndNoLogin() {
        assertEquals(
                new RegistrySettings(
                        "http://registry:8081",
                        null,
                        true,
                        new RegistrySettings.None(),
                        new RegistrySettings.Subject("orders-value", "latest"),
                        null),
                settings("{\"url\":\"http://registry:8081/\",\"value_schema\":{\"subject_name\":\"orders-value\"}}"));
    }

    @Test
    void ttlIsSecondsAndZeroMeansForTheLifeOfTheInstance() {
        String subject = ",\"key_schema\":{\"subject_name\":\"k\",\"schema_version\":\"3\"}}";
        assertEquals(
                Duration.ofMinutes(5),
                settings("{\"url\":\"http://r\",\"ttl\":300" + subject).ttl());
        assertEquals(
                Duration.ofMillis(500),
                settings("{\"url\":\"http://r\",\"ttl\":0.5" + subject).ttl());
        assertNull(settings("{\"url\":\"http://r\",\"ttl\":0" + subject).ttl());
        assertEquals(
                new RegistrySettings.Subject("k", "3"),
                settings("{\"url\":\"http://r\"" + subject).key());
        assertEquals(
                "Invalid value 3601 for configuration schema_registry.confluent.ttl of plugin kafka-upstream: "
                        + "value should be between 0 and 3600",
                error("{\"url\":\"http://r\",\"ttl\":3601" + subject));
    }

    @Test
    void oauth2TakesEnterprisesDefaultsForTheClientCredentialsGrant() {
        RegistrySettings s = settings("{\"url\":\"https://r\",\"value_schema\":{\"subject_name\":\"v\"},"
                + "\"authentication\":{\"mode\":\"oauth2\",\"oauth2\":{\"token_endpoint\":\"https://idp/token\","
                + "\"client_id\":\"kong\",\"client_secret\":\"s3cr3t-0auth\"}}}");
        assertEquals(
                new RegistrySettings.OAuth2(
                        "https://idp/token",
                        "kong",
                        "s3cr3t-0auth",
                        List.of("openid"),
                        List.of(),
                        false,
                        Duration.ofSeconds(10),
                        true),
                s.credentials());
        assertFalse(s.toString().contains("s3cr3t-0auth"), s.toString());
    }

    @Test
    void basicCredentialsAreMaskedWhereverTheConfigIsShown() {
        Holder c = parse("{\"url\":\"https://r\",\"value_schema\":{\"subject_name\":\"v\"},"
                + "\"authentication\":{\"mode\":\"basic\",\"basic\":{\"username\":\"u\",\"password\":\"b4sic-pw\"}}}");
        assertEquals(new RegistrySettings.Basic("u", "b4sic-pw"), from(c).credentials());
        assertFalse(from(c).toString().contains("b4sic-pw"));
        assertFalse(c.toString().contains("b4sic-pw"), c.toString());
    }

    @Test
    void eachRuleIsRefusedNamingTheFieldAndTheRule() {
        String prefix = "for configuration schema_registry.confluent.";
        assertEquals(
                "Invalid value \"v2\" " + prefix + "value_schema.schema_version of plugin kafka-upstream: must be "
                        + "a version number or latest",
                error("{\"url\":\"http://r\",\"value_schema\":{\"subject_name\":\"v\","
                        + "\"schema_version\":\"v2\"}}"));
        assertEquals(
                "Invalid value \"ftp://r\" " + prefix + "url of plugin kafka-upstream: must be an http:// or "
                        + "https:// URL without user info",
                error("{\"url\":\"ftp://r\"}"));
        assertEquals(
                "Invalid value \"http://u:p@r\" " + prefix + "url of plugin kafka-upstream: must be an http:// or "
                        + "https:// URL without user info",
                error("{\"url\":\"http://u:p@r\"}"));
        assertEquals(
                "Invalid value null " + prefix + "url of plugin kafka-upstream: required field missing",
                error("{\"value_schema\":{\"subject_name\":\"v\"}}"));
        assertEquals(
                "Invalid value null " + prefix + "authentication.basic of plugin kafka-upstream: required field "
                        + "missing (failed conditional validation given value of field "
                        + "'config.schema_registry.confluent.authentication.mode')",
                error("{\"url\":\"http://r\",\"authentication\":{\"mode\":\"basic\"}}"));
        assertEquals(
                "Invalid value null " + prefix + "authentication.oauth2 of plugin kafka-upstream: required field "
                        + "missing (failed conditional validation given value of field "
                        + "'config.schema_registry.confluent.authentication.mode')",
                error("{\"url\":\"http://r\",\"authentication\":{\"mode\":\"oauth2\"}}"));
        assertEquals(
                "Invalid value \"password\" " + prefix + "authentication.oauth2.grant_type of plugin kafka-upstream: "
                        + "expected one of: client_credentials",
                error("{\"url\":\"http://r\",\"authentication\":{\"mode\":"
                        + "\"oauth2\",\"oauth2\":{\"token_endpoint\":\"http://t\",\"client_id\":\"c\",\"client_secret\":\"s\","
                        + "\"grant_type\":\"password\"}}}"));
    }
}
