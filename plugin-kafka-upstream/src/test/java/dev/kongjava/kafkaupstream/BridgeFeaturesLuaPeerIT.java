package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.config.OAuthBearer;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.kafka.OAuthLogin;
import dev.kongjava.testkit.luapeer.LuaPeer;
import dev.kongjava.testkit.oauth.OAuthServer;
import dev.kongjava.testkit.oauth.TokenRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The new features through the nginx/Lua Kong peer over real HTTP: a key from the capture of a
 * regex route path, a partition from a header, a JSON-array batch with record metadata in the
 * answer, a key from a JSON pointer in an async batch, and an OAUTHBEARER login.
 */
class BridgeFeaturesLuaPeerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "Lua-Peer-Client-S3cret";
    private static OAuthServer oauth;
    private static KafkaBroker broker;
    private static UpstreamServer server;
    private static LuaPeer peer;
    private static String orders;
    private static String events;
    private static String secured;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        oauth = OAuthServer.builder().client("kong", SECRET).start();
        broker = KafkaBroker.builder().security(true).oauthBearer(oauth).start();
        orders = topic(4);
        events = topic(1);
        secured = topic(1);
        String plaintext = broker.bootstrap(Listener.PLAINTEXT);
        String ordersConfig = Configs.config(
                plaintext,
                orders,
                "\"producer_async\":false,\"message_format\":\"body\","
                        + "\"key_uri_capture\":\"customer\",\"partition_header\":\"X-Partition\",\"batch_json_array\":true,"
                        + "\"return_record_metadata\":true");
        String eventsConfig = Configs.config(
                plaintext,
                events,
                "\"batch_json_array\":true,\"message_format\":\"body\","
                        + "\"key_json_pointer\":\"/device\",\"producer_async_flush_timeout\":0");
        String oauthConfig = Configs.config(
                broker.bootstrap(Listener.SASL_PLAINTEXT),
                secured,
                "\"producer_async\":false,"
                        + "\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"OAUTHBEARER\",\"oauthbearer\":{"
                        + "\"token_endpoint_url\":\"" + oauth.tokenEndpointUrl()
                        + "\",\"client_id\":\"kong\",\"client_secret\":\""
                        + SECRET + "\",\"scopes\":[\"kafka.produce\"],\"extensions\":{\"logicalCluster\":\"lkc-7\"}}}");
        server = UpstreamServer.start(Map.of(OAuthBearer.ALLOWED_URLS_FLAG.name(), oauth.tokenEndpointUrl()));
        peer = LuaPeer.builder()
                .socketPath(server.server.socketPath())
                .queryCommand(JavaProcess.command(KafkaUpstreamMain.class, "--dump"))
                .declarativeConfig("{\"routes\":["
                        + route("orders", "~/orders/(?<customer>[a-z]+)$", ordersConfig) + ","
                        + route("events", "/events", eventsConfig) + ","
                        + route("secured", "/secured", oauthConfig) + "]}")
                .start();
    }

    private static String route(String name, String path, String config) throws Exception {
        return "{\"name\":\"" + name + "\",\"paths\":[" + JSON.writeValueAsString(path) + "],\"plugins\":[{\"name\":"
                + "\"kafka-upstream\",\"config\":" + config + "}]}";
    }

    private static String topic(int partitions) {
        String topic = Configs.topic("peer-bridge");
        broker.createTopic(topic, partitions);
        return topic;
    }

    @AfterAll
    static void stop() throws Exception {
        try (LuaPeer p = peer;
                UpstreamServer s = server;
                KafkaBroker b = broker;
                OAuthServer o = oauth) {
            // closes what started, in this order
        }
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(peer.baseUri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, int count) {
        return BridgeFeaturesIT.records(broker, topic, count);
    }

    private static String text(byte[] bytes) {
        return BridgeFeaturesIT.text(bytes);
    }

    @Test
    void aBatchOnARegexRouteIsKeyedByTheCapturePlacedByTheHeaderAndAnsweredWithWhereEachRecordWent() throws Exception {
        HttpResponse<String> response = post(
                "/orders/alice",
                Map.of("Content-Type", "application/json", "X-Partition", "3"),
                "[{\"item\":1}, {\"item\":2}]");

        assertEquals(200, response.statusCode(), response.body());
        List<ConsumerRecord<byte[], byte[]>> records = records(orders, 2);
        assertEquals(
                List.of("{\"item\":1}", "{\"item\":2}"),
                records.stream().map(r -> text(r.value())).toList());
        assertEquals(
                List.of("alice", "alice"),
                records.stream().map(r -> text(r.key())).toList());
        assertEquals(
                List.of(3, 3), records.stream().map(ConsumerRecord::partition).toList());
        StringBuilder expected = new StringBuilder("{\"message\":\"message sent\",\"records\":[");
        for (int i = 0; i < 2; i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            expected.append(i == 0 ? "" : ",")
                    .append("{\"index\":")
                    .append(i)
                    .append(",\"topic\":\"")
                    .append(orders)
                    .append("\",\"partition\":3,\"offset\":")
                    .append(r.offset())
                    .append(",\"timestamp\":")
                    .append(r.timestamp())
                    .append('}');
        }
        assertEquals(JSON.readTree(expected.append("]}").toString()), JSON.readTree(response.body()));
    }

    @Test
    void anAsyncBatchTakesEachElementsKeyFromItsJsonPointer() throws Exception {
        HttpResponse<String> response = post(
                "/events",
                Map.of("Content-Type", "application/json"),
                "[{\"device\":\"d1\",\"t\":20}, {\"device\":\"d2\",\"t\":21}, {\"t\":22}]");

        assertEquals(200, response.statusCode());
        assertEquals(Replies.SENT_BODY, response.body());
        List<ConsumerRecord<byte[], byte[]>> records = records(events, 3);
        assertEquals(
                java.util.Arrays.asList("d1", "d2", null),
                records.stream().map(r -> text(r.key())).toList());
        assertEquals("{\"t\":22}", text(records.get(2).value()));
    }

    @Test
    void anOAuthBearerLoginProducesAndTheBrokerSeesTheClientAndItsExtension() throws Exception {
        HttpResponse<String> response = post("/secured", Map.of("Content-Type", "text/plain"), "via oauth");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Replies.SENT_BODY, response.body());
        assertEquals(
                "{\"body\":\"via oauth\",\"body_args\":{}}",
                text(records(secured, 1).get(0).value()));
        assertEquals(
                new TokenRequest("kong", "client_credentials", "kafka.produce", 200),
                oauth.requests().getLast());
        assertEquals(
                new OAuthLogin("kong", Map.of("logicalCluster", "lkc-7")),
                broker.oauthLogins().getLast());
    }
}
