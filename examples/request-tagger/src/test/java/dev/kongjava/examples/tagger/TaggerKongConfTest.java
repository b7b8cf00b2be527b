package dev.kongjava.examples.tagger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kong-config/kong.conf loads every plugin of the jar, each through its own pluginserver entry
 * (Kong 3.9+ reads one plugin per dump): the same jar run with {@code --plugin <name>} on the
 * entry's own socket. TaggerLuaPeerIT runs these very commands.
 */
class TaggerKongConfTest {
    private static final List<String> PLUGINS = Stream.of(RequestTagger.DEFINITION, TagEcho.DEFINITION)
            .map(PluginDefinition::name)
            .toList();

    private final TaggerKongConf conf = TaggerKongConf.read();

    @Test
    void everyPluginOfTheJarIsLoadedAndHasItsOwnServerEntry() {
        List<String> plugins = new ArrayList<>(List.of("bundled"));
        plugins.addAll(PLUGINS);
        assertEquals(plugins, conf.list("plugins"));
        assertEquals(PLUGINS, conf.list("pluginserver_names"));
        assertEquals(2 + 3 * PLUGINS.size(), conf.settings().size(), "plugins, pluginserver_names, 3 lines per server");
    }

    @Test
    void eachEntryRunsTheSameJarForItsOwnPluginOnItsOwnSocket() {
        String java = conf.words(PLUGINS.get(0), "start_cmd").get(0);
        String jar = "/usr/local/lib/request-tagger/request-tagger.jar";
        assertTrue(java.startsWith("/"), "Kong runs the command with an empty PATH: absolute path needed");
        for (String plugin : PLUGINS) {
            String socket = conf.server(plugin, "socket");
            assertEquals("/usr/local/kong/" + plugin + ".socket", socket);
            assertEquals(
                    List.of(
                            java,
                            "-Xmx128m",
                            "-jar",
                            jar,
                            "--plugin",
                            plugin,
                            "--socket",
                            socket,
                            "--exit-with-parent"),
                    conf.words(plugin, "start_cmd"));
            assertEquals(List.of(java, "-jar", jar, "--plugin", plugin, "--dump"), conf.words(plugin, "query_cmd"));
        }
    }
}
