package dev.kongjava.examples.tagger;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.util.Map;

/**
 * tag-echo: answers the request itself with the tag request-tagger left in {@code kong.ctx.shared},
 * e.g. on a route without an upstream service. {@code kong.ctx.shared} lives in Kong, so this works
 * also when the two plugins run in different plugin server processes (as on Kong 3.9+).
 */
public final class TagEcho implements AccessPhase {
    public static final PluginDefinition<?> DEFINITION = PluginDefinition.builder("tag-echo")
            .version("1.0.0")
            .priority(900) // lower than request-tagger's 1000: Kong runs it afterwards
            .handler(TagEcho.class, ctx -> new TagEcho())
            .build();

    @Override
    public void access(Kong kong) {
        String tag = kong.ctx().getString(RequestTagger.CTX_KEY);
        if (tag == null) {
            kong.response().error(500, "no request tag: request-tagger must run on this route before tag-echo", null);
            return;
        }
        kong.response().exitJson(200, Map.of("tag", tag), null);
    }
}
