package dev.kongjava.testkit.luapeer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.luapeer.PeerSettings.PluginServerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out an nginx prefix for the peer: the Lua modules and the nginx.conf template from the class
 * path, {@code conf/peer.json} (options read by {@code kpeer.init}) and {@code conf/declarative.json}.
 */
final class PrefixWriter {
    private static final String RESOURCE_BASE = "/dev/kongjava/testkit/luapeer/";
    private static final List<String> LUA_MODULES = List.of(
            "init",
            "mp",
            "json",
            "schema",
            "dump",
            "declarative",
            "rpc",
            "instances",
            "bridge",
            "pdk",
            "stats",
            "control",
            "entity",
            "errors");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PrefixWriter() {}

    /** Writes every file nginx needs under {@code prefix} to listen on {@code 127.0.0.1:port}. */
    static void write(PeerSettings s, Path prefix, int port) throws IOException {
        for (String dir : List.of("conf", "logs", "tmp", "lua/kpeer")) {
            Files.createDirectories(prefix.resolve(dir));
        }
        for (String m : LUA_MODULES) {
            String name = "lua/kpeer/" + m + ".lua";
            Files.write(prefix.resolve(name), resource(name));
        }
        Files.writeString(prefix.resolve("conf/declarative.json"), declarative(s));
        Files.writeString(prefix.resolve("conf/peer.json"), JSON.writeValueAsString(peerOptions(s)));
        Files.writeString(prefix.resolve("conf/nginx.conf"), nginxConf(s, port));
    }

    private static String declarative(PeerSettings s) throws IOException {
        if (s.declarativeJson() != null) {
            return s.declarativeJson();
        }
        return s.declarativeFile() != null ? Files.readString(s.declarativeFile()) : "{}";
    }

    /** The format is documented in the README next to the Lua modules. */
    private static Map<String, Object> peerOptions(PeerSettings s) {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("kong_version", s.kongVersion());
        List<Map<String, Object>> servers = new ArrayList<>();
        for (PluginServerSpec server : s.servers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", server.name());
            m.put("socket", server.socket().toString());
            m.put("query_cmd", server.queryCommand());
            servers.add(m);
        }
        opts.put("pluginservers", servers);
        opts.put("declarative_config", "conf/declarative.json");
        opts.put("max_instance_retries", s.maxInstanceRetries());
        opts.put("trusted_ips", s.trustedIps());
        opts.put("debug_headers", s.debugHeaders());
        if (s.nodeId() != null) {
            opts.put("node_id", s.nodeId());
        }
        return opts;
    }

    private static String nginxConf(PeerSettings s, int port) throws IOException {
        // started as root, nginx would run its workers as nobody, who cannot reach a socket or a
        // prefix in the test's private temp directory; for anyone else the directive only warns
        boolean root = "root".equals(System.getProperty("user.name"));
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("USER_DIRECTIVE", root ? "user root root;" : "");
        vars.put("MASTER_PROCESS", s.workers() > 1 ? "on" : "off");
        vars.put("WORKERS", Integer.toString(s.workers()));
        vars.put("LOG_LEVEL", s.logLevel());
        vars.put("MODULES_DIR", s.modulesDir().toString());
        vars.put("ACCESS_LOG", s.accessLog() ? "logs/access.log" : "off");
        vars.put("LUA_PATH", PeerPrerequisites.luaPath());
        vars.put("LUA_CPATH", PeerPrerequisites.luaCpath());
        vars.put("POOL_SIZE", Integer.toString(s.poolSize()));
        vars.put("KEEPALIVE_TIMEOUT", s.keepaliveTimeout().toMillis() + "ms");
        vars.put("SOCKET_TIMEOUT", s.socketTimeout().toMillis() + "ms");
        vars.put("BODY_BUFFER_SIZE", s.bodyBufferSize());
        vars.put("MAX_BODY_SIZE", s.maxBodySize());
        // Kong listens with reuseport by default: the kernel spreads new connections over the
        // workers, instead of the first awake worker taking most of them under load
        vars.put("LISTEN", "127.0.0.1:" + port + (s.workers() > 1 ? " reuseport" : ""));
        String conf = new String(resource("nginx.conf.template"), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : vars.entrySet()) {
            conf = conf.replace("${" + e.getKey() + "}", e.getValue());
        }
        int left = conf.indexOf("${");
        if (left >= 0) {
            throw new IllegalStateException("unreplaced placeholder in nginx.conf.template: "
                    + conf.substring(left, Math.min(conf.length(), left + 30)));
        }
        return conf;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PrefixWriter.class.getResourceAsStream(RESOURCE_BASE + name)) {
            if (in == null) {
                throw new IOException("missing classpath resource " + RESOURCE_BASE + name);
            }
            return in.readAllBytes();
        }
    }
}
