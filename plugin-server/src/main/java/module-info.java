/**
 * The Java PDK for Kong and the plugin server it runs in. Exported is what a plugin author
 * implements or calls:
 * <ul>
 *   <li>{@code plugin}: the plugin's declaration and its phase interfaces;
 *   <li>{@code pdk}: the {@code kong.*} calls a handler makes;
 *   <li>{@code schema}: the config, declared once;
 *   <li>{@code server}: running the plugins, because the author's jar is the server: its
 *       {@code main} is {@code Main.run(args, DEFINITION)}, an application may embed a
 *       {@link dev.kongjava.pluginserver.server.PluginServer}, and a unit test makes a
 *       {@link dev.kongjava.pluginserver.server.LocalInstance}.
 * </ul>
 * The protocol engine ({@code internal.*}: RPC, events, instances) is not exported, so it can change
 * without breaking a plugin. A plugin whose config is a record that is not public, in a module of
 * its own, opens that package to this module (the server builds the record reflectively).
 */
// msgpack-core is an automatic module (see below); javac warns about requiring one, and -Werror would fail.
@SuppressWarnings("requires-automatic")
module dev.kongjava.pluginserver {
    exports dev.kongjava.pluginserver.plugin;
    exports dev.kongjava.pluginserver.pdk;
    exports dev.kongjava.pluginserver.schema;
    exports dev.kongjava.pluginserver.server;

    // Automatic module names: msgpack-core 0.9.12 has no module descriptor and no
    // Automatic-Module-Name, so its name comes from the jar's file name.
    requires msgpack.core;
    requires com.fasterxml.jackson.databind;
    // RateLimitedLog, which plugins use too, takes an SLF4J Logger: plugins read SLF4J through us.
    requires transitive org.slf4j;
    // @Nullable marks what the PDK may return as null; a plugin compiling against the API sees it,
    // nothing needs it at run time.
    requires static transitive org.jspecify;
    // sun.misc.Signal: SIGTERM and SIGINT end the server gracefully (server.Signals).
    requires jdk.unsupported;
    // jdk.net.ExtendedSocketOptions.SO_PEERCRED: the peer uid check (internal.rpc.PeerCheck).
    requires jdk.net;
}
