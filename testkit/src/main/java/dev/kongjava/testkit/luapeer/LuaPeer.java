package dev.kongjava.testkit.luapeer;

import dev.kongjava.testkit.TempDirs;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The project's Kong-side peer: Debian nginx + the lua module running our own Lua
 * ({@code kpeer}, in resources {@code dev/kongjava/testkit/luapeer/}) that speaks Kong 3.x's
 * side of the external-plugin MessagePack-RPC protocol to a plugin server over a Unix socket.
 *
 * <p>Typical use in a test:
 * <pre>{@code
 * Prerequisites.requireLuaPeer();
 * try (LuaPeer peer = LuaPeer.builder()
 *         .socketPath(socket)
 *         .queryCommand(List.of(java, "-jar", serverJar, "-dump"))
 *         .declarativeConfig("{\"routes\":[{\"name\":\"r1\",\"paths\":[\"/kafka\"],"
 *             + "\"plugins\":[{\"name\":\"kafka-upstream\",\"config\":{...}}]}]}")
 *         .workers(2)
 *         .start()) {
 *     HttpResponse<String> r = http.send(HttpRequest.newBuilder(peer.baseUri().resolve("/kafka"))...);
 *     Map<String, Object> stats = peer.stats();
 * }
 * }</pre>
 *
 * <p>{@link LuaPeerBuilder#start} extracts the Lua modules and the nginx.conf template into a
 * fresh temp prefix, picks a free 127.0.0.1 port, starts {@code nginx -p <prefix> -c conf/nginx.conf}
 * and waits for {@code GET /__peer/health}. If nginx does not come up (bad query command,
 * invalid declarative config, schema errors...) it fails with nginx's stderr and the tail
 * of its error log. {@link #close} sends SIGQUIT, then SIGKILL after a bound, and deletes
 * the prefix.
 */
public final class LuaPeer implements AutoCloseable {

    /** Debian's nginx binary, or the one {@code KONGJAVA_NGINX} names. */
    public static final Path DEFAULT_NGINX =
            Paths.get(System.getenv().getOrDefault("KONGJAVA_NGINX", "/usr/sbin/nginx"));
    /** Debian's dynamic modules (ndk_http_module.so, ngx_http_lua_module.so). */
    public static final Path DEFAULT_MODULES_DIR = Paths.get("/usr/lib/nginx/modules");

    private final PeerSettings settings;
    private final Path prefix;
    private final int port;
    private final URI baseUri;
    private final NginxProcess nginx;
    private final ControlClient control;
    private volatile boolean closed;

    LuaPeer(PeerSettings settings, Path prefix, int port, NginxProcess nginx, ControlClient control) {
        this.settings = settings;
        this.prefix = prefix;
        this.port = port;
        this.baseUri = URI.create("http://127.0.0.1:" + port);
        this.nginx = nginx;
        this.control = control;
    }

    /** True when nginx, the lua + ndk modules, lua-messagepack, lua-cjson and lua-resty-core are installed. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why the peer cannot run here, or {@code null} when it can (see {@code Prerequisites.requireLuaPeer()}). */
    public static String unavailableReason() {
        return PeerPrerequisites.unavailableReason();
    }

    /** A builder with Kong 3.9's defaults; at least {@code socketPath} and {@code queryCommand} are needed. */
    public static LuaPeerBuilder builder() {
        return new LuaPeerBuilder();
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI baseUri() {
        return baseUri;
    }

    /** The port nginx listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The nginx prefix directory (conf/, logs/, lua/, tmp/). Deleted by {@link #close} unless kept. */
    public Path prefix() {
        return prefix;
    }

    /** PID of the nginx (master or single) process. */
    public long pid() {
        return nginx.pid();
    }

    /** True while the nginx (master or single) process runs. */
    public boolean isRunning() {
        return nginx.isAlive();
    }

    /** Counters summed over all workers (GET /__peer/stats). */
    public Map<String, Object> stats() {
        return control.getJson("/__peer/stats");
    }

    /** Reset the counters (DELETE /__peer/stats). */
    public void resetStats() {
        control.delete("/__peer/stats");
    }

    /** GET /__peer/health */
    public Map<String, Object> health() {
        return control.getJson("/__peer/health");
    }

    /** Each worker's cached plugin instances, by worker pid (GET /__peer/instances). */
    public Map<String, Object> instances() {
        return control.getJson("/__peer/instances");
    }

    /**
     * Replace the declarative config without restarting nginx (POST /__peer/config). Every
     * worker rebuilds its plugin configs with new {@code __seq__} values, so the next request
     * per worker starts new instances and closes the old ones.
     *
     * @return the new config version
     * @throws IllegalArgumentException with the peer's validation message when the config is invalid
     */
    public long reconfigure(String declarativeJson) {
        return control.postConfig(declarativeJson);
    }

    /**
     * Validates a plugin entity, {@code {"name":…,"config":{…}}}, as Kong's Admin API does on every
     * plugin write (and at {@code POST /schemas/plugins/validate}): defaults, field validation and the
     * schema's entity checks, with Kong's messages. Kong's answer: 200
     * {@code {"message":"schema validation successful"}}, or 400 with Kong's schema violation body
     * {@code {"code":2,"name":"schema violation","message":…,"fields":{…}}}.
     */
    public HttpResponse<String> validatePlugin(String pluginJson) {
        return control.validatePlugin(pluginJson);
    }

    /** Contents of nginx's error log (kong.log.* lines, RPC errors, ...). */
    public String errorLog() {
        return nginx.errorLog();
    }

    /** Lines of the error log containing {@code needle}. */
    public List<String> errorLogLines(String needle) {
        return errorLog().lines().filter(l -> l.contains(needle)).toList();
    }

    /** What nginx printed on stderr (startup errors, query command stderr). */
    public String stderr() {
        return nginx.stderr();
    }

    /** Stops nginx (SIGQUIT, SIGKILL after the stop timeout) and deletes the prefix unless kept. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            nginx.stop(settings.stopTimeout());
        } finally {
            if (!settings.keepPrefix()) {
                TempDirs.deleteQuietly(prefix);
            }
        }
    }

    @Override
    public String toString() {
        return "LuaPeer[" + baseUri + ", prefix=" + prefix + ", pid=" + nginx.pid() + "]";
    }

    /** POSIX single-quote quoting, for building the query command line Kong runs via the shell. */
    static String shellQuote(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (!a.isEmpty() && a.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                sb.append(a);
            } else {
                sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
