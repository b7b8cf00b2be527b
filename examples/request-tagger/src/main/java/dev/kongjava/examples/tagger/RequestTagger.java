package dev.kongjava.examples.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.LogPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.Err;
import dev.kongjava.pluginserver.schema.Matches;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * request-tagger: gives every request a tag that the upstream service, the plugins after it and the
 * log all see. In {@code access} it keeps the client's tag when that is short and plain, else makes a
 * new one, sets it on the request to the upstream service and leaves it in {@code kong.ctx.shared}.
 * In {@code log}, after the response, it writes one line to Kong's error log with the tag, the
 * request, the status and the latency.
 */
public final class RequestTagger implements AccessPhase, LogPhase {
    /** Where the tag waits in {@code kong.ctx.shared} for later plugins (tag-echo) and the log phase. */
    public static final String CTX_KEY = "request_tag";
    /** A client's tag is kept only when it is this plain: it goes into log lines and upstream headers. */
    private static final Pattern PLAIN_TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The config: one field, its Kong rules and its default, declared once as a record component. */
    public record Config(
            @Doc("Header carrying the tag: read from the client, set on the request to the upstream service.")
            @Default("x-request-tag")
            @Matches("^[%w-]+$")
            @Err("must be a header name: letters, digits and '-'")
            String header) {}

    public static final PluginDefinition<Config> DEFINITION = PluginDefinition.builder("request-tagger")
            .version("1.0.0")
            .priority(1000) // higher runs earlier: before tag-echo (900)
            .config(Config.class)
            .handler(RequestTagger.class, ctx -> new RequestTagger(ctx.config().header()))
            .build();

    private final String header;

    RequestTagger(String header) {
        this.header = header;
    }

    @Override
    public void access(Kong kong) {
        String tag = kong.request().getHeader(header); // each PDK call is one round trip to Kong
        if (tag == null || !PLAIN_TAG.matcher(tag).matches()) {
            tag = UUID.randomUUID().toString();
        }
        kong.serviceRequest().setHeader(header, tag);
        kong.ctx().set(CTX_KEY, tag);
    }

    @Override
    public void log(Kong kong) throws Exception {
        // Kong runs this after the response, from a snapshot of the request: kong.log.serialize,
        // headers, status and kong.ctx.shared work here; live-request functions such as
        // kong.request.get_method fail (docs/protocol.md §5.5).
        String tag = kong.ctx().getString(CTX_KEY); // null when a plugin before this one ended the request
        JsonNode entry = JSON.readTree(kong.log().serialize());
        kong.log()
                .notice(
                        "tag ",
                        tag == null ? "-" : tag,
                        ": ",
                        entry.at("/request/method").asText(),
                        " ",
                        entry.at("/request/uri").asText(),
                        " -> ",
                        entry.at("/response/status").asInt(),
                        " in ",
                        entry.at("/latencies/request").asLong(),
                        " ms");
    }
}
