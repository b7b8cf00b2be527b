package dev.kongjava.testkit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few calls of the Confluent Schema Registry REST API that tests need, over the JDK's HTTP client. */
final class ConfluentApi {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code authorization} is an Authorization header value for every call, or null for none. */
    ConfluentApi(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    int register(String subject, SchemaType type, String schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema);
        if (type != SchemaType.AVRO) {
            body.put("schemaType", type.name());
        }
        HttpRequest request = request("/subjects/" + encode(subject) + "/versions")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return send(request).path("id").asInt();
    }

    SubjectVersion version(String subject, String version) {
        JsonNode answer = send(request("/subjects/" + encode(subject) + "/versions/" + encode(version))
                .GET()
                .build());
        return new SubjectVersion(
                answer.path("subject").asText(),
                answer.path("version").asInt(),
                schema(answer.path("id").asInt(), answer));
    }

    RegisteredSchema schemaById(int id) {
        return schema(id, send(request("/schemas/ids/" + id).GET().build()));
    }

    private static RegisteredSchema schema(int id, JsonNode answer) {
        return new RegisteredSchema(
                id,
                SchemaType.fromWire(answer.path("schemaType").asText()),
                answer.path("schema").asText());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE)
                .header("Content-Type", CONTENT_TYPE);
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
