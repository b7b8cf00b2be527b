package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The one call of the Confluent Schema Registry API the plugin makes, {@code GET
 * <url>/subjects/<subject>/versions/<version>}, logged in as the config says. Every failure is a
 * {@link RegistryFailure} naming the registry and never a credential.
 */
final class RegistryClient {
    /** Connect, headers and body of one registry call together. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";

    private final RegistrySettings settings;
    private final String basic;
    private final OAuthTokens tokens;
    private final String what;

    RegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.basic = settings.credentials() instanceof RegistrySettings.Basic b
                ? "Basic "
                        + Base64.getEncoder()
                                .encodeToString((b.username() + ":" + b.password()).getBytes(StandardCharsets.UTF_8))
                : null;
        this.tokens = settings.credentials() instanceof RegistrySettings.OAuth2 o ? new OAuthTokens(o) : null;
        this.what = "the schema registry at " + settings.url();
    }

    /** The registry's answer for one subject version. */
    FetchedSchema fetch(RegistrySettings.Subject subject) throws RegistryFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(RegistryHttp.uri(
                        settings.url() + "/subjects/" + segment(subject.name()) + "/versions/"
                                + segment(subject.version()),
                        "schema_registry.confluent.url"))
                .header("Accept", ACCEPT)
                .GET();
        String authorization = tokens != null ? tokens.authorization() : basic;
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> answer = RegistryHttp.exchange(settings.sslVerify(), request.build(), TIMEOUT, what);
        int status = answer.statusCode();
        if (status == 401 || status == 403) {
            if (tokens != null) {
                tokens.refused();
            }
            throw RegistryFailure.upstream(what + " refused the credentials (HTTP " + status + ")");
        }
        if (status == 404) {
            throw RegistryFailure.config(what + " has no " + subject + " (HTTP 404)");
        }
        if (status != 200) {
            throw RegistryFailure.upstream(what + " answered HTTP " + status + " for " + subject);
        }
        return parse(subject, answer.body());
    }

    private FetchedSchema parse(RegistrySettings.Subject subject, byte[] body) throws RegistryFailure {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null
                || !json.path("id").canConvertToInt()
                || !json.path("id").isIntegralNumber()
                || !json.path("schema").isTextual()) {
            throw RegistryFailure.upstream(
                    what + " sent an answer for " + subject + " that is not a Confluent schema (no id or schema)");
        }
        if (json.path("references").size() > 0) {
            throw RegistryFailure.config(
                    subject + " at " + settings.url() + " uses schema references, which this plugin does not support");
        }
        String type = json.path("schemaType").asText("");
        return new FetchedSchema(
                subject,
                json.path("id").intValue(),
                json.path("version").asInt(),
                type.isEmpty() ? "AVRO" : type,
                json.path("schema").textValue());
    }

    /** A path segment: the subject is the user's text and may hold '/', '?' or spaces. */
    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
