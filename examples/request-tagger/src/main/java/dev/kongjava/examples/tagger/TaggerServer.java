package dev.kongjava.examples.tagger;

import dev.kongjava.pluginserver.server.Main;

/**
 * The jar's main class: a plugin server for both plugins, or with {@code --plugin <name>} for one of
 * them, which is how Kong 3.9+ runs it (one {@code pluginserver_names} entry per plugin, see
 * kong-config/kong.conf).
 */
public final class TaggerServer {
    private TaggerServer() {}

    public static void main(String[] args) {
        System.exit(Main.run(args, RequestTagger.DEFINITION, TagEcho.DEFINITION));
    }
}
