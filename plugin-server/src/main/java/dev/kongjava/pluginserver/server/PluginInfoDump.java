package dev.kongjava.pluginserver.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.instance.ApiAccess;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin info Kong's {@code query_cmd} reads: one JSON document,
 * {@code {"Protocol":"MsgPack:1","Plugins":[{"Name","Version","Priority","Phases","Schema"}]}}.
 * Kong 3.9+ uses only the first plugin, so a server for Kong 3.9 carries one plugin ({@code --plugin}).
 */
final class PluginInfoDump {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginInfoDump() {}

    /** The info of one plugin, also the result of {@code plugin.GetPluginInfo}. */
    static Map<String, Object> info(PluginDefinition<?> definition) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Name", definition.name());
        info.put("Version", definition.version());
        info.put("Priority", definition.priority());
        info.put("Phases", definition.phases().stream().map(Phase::wireName).toList());
        info.put("Schema", ApiAccess.kongSchema(definition.schema(), definition.name(), definition.protocols()));
        return info;
    }

    /** The whole dump as compact JSON, newline-terminated. */
    static String json(List<PluginDefinition<?>> definitions) {
        Map<String, Object> dump = new LinkedHashMap<>();
        dump.put("Protocol", Protocol.PROTOCOL_NAME);
        List<Object> plugins = new ArrayList<>();
        definitions.forEach(d -> plugins.add(info(d)));
        dump.put("Plugins", plugins);
        try {
            return JSON.writeValueAsString(dump) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
