package dev.kongjava.testkit.luapeer;

import dev.kongjava.testkit.luapeer.PeerSettings.PluginServerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of a {@link LuaPeer}, from {@link LuaPeer#builder()}; defaults follow Kong 3.9. A builder
 * may be reused: {@link #start()} takes a snapshot of the options.
 */
public final class LuaPeerBuilder {
    private static final String MAIN_SERVER = "pluginserver";

    private Path mainSocket;
    private String mainQuery;
    private boolean mainDeclared;
    private final List<PluginServerSpec> furtherServers = new ArrayList<>();
    private String declarativeJson;
    private Path declarativeFile;
    private int workers = 1;
    private int poolSize = 256;
    private String bodyBufferSize = "8k";
    private String maxBodySize = "10m";
    private String kongVersion = "3.9";
    private int port;
    private Duration socketTimeout = Duration.ofSeconds(60);
    private Duration keepaliveTimeout = Duration.ofSeconds(60);
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(5);
    private String logLevel = "info";
    private boolean accessLog;
    private boolean debugHeaders;
    private boolean keepPrefix = Boolean.getBoolean("kpeer.keepPrefix");
    private Path prefixDir;
    private List<String> trustedIps = List.of();
    private int maxInstanceRetries = 1;
    private String nodeId;
    private Path nginx = LuaPeer.DEFAULT_NGINX;
    private Path modulesDir = LuaPeer.DEFAULT_MODULES_DIR;

    LuaPeerBuilder() {}

    /** Unix socket of the plugin server ({@code pluginserver_<name>_socket}). */
    public LuaPeerBuilder socketPath(Path socket) {
        mainDeclared = true;
        mainSocket = Objects.requireNonNull(socket).toAbsolutePath();
        return this;
    }

    /** Unix socket of the plugin server, as a path string. */
    public LuaPeerBuilder socketPath(String socket) {
        return socketPath(Paths.get(socket));
    }

    /**
     * Query command ({@code pluginserver_<name>_query_cmd}): argv, shell-quoted into the
     * command line nginx runs with io.popen at startup; must print the dump JSON on stdout.
     */
    public LuaPeerBuilder queryCommand(List<String> argv) {
        return queryShellCommand(LuaPeer.shellQuote(argv));
    }

    /** Query command as argv; see {@link #queryCommand(List)}. */
    public LuaPeerBuilder queryCommand(String... argv) {
        return queryCommand(List.of(argv));
    }

    /** Query command as a ready shell command line (used verbatim). */
    public LuaPeerBuilder queryShellCommand(String commandLine) {
        mainDeclared = true;
        mainQuery = Objects.requireNonNull(commandLine);
        return this;
    }

    /** A further plugin server (Kong 3.9: one plugin per server). */
    public LuaPeerBuilder addPluginServer(String name, Path socket, List<String> queryArgv) {
        // the first server keeps its place (and its name) even if declared later
        mainDeclared = true;
        furtherServers.add(new PluginServerSpec(name, socket.toAbsolutePath(), LuaPeer.shellQuote(queryArgv)));
        return this;
    }

    /** Declarative config as JSON text ({"routes":[...],"services":[...],"plugins":[...]}). */
    public LuaPeerBuilder declarativeConfig(String json) {
        this.declarativeJson = json;
        this.declarativeFile = null;
        return this;
    }

    /** Declarative config read from a JSON file when the peer starts. */
    public LuaPeerBuilder declarativeConfig(Path file) {
        this.declarativeFile = file;
        this.declarativeJson = null;
        return this;
    }

    /** nginx worker processes (default 1, then without a master process). */
    public LuaPeerBuilder workers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1");
        }
        this.workers = workers;
        return this;
    }

    /** lua_socket_pool_size: idle connections per worker to the socket (Kong 3.5+: 256). */
    public LuaPeerBuilder poolSize(int poolSize) {
        this.poolSize = poolSize;
        return this;
    }

    /** client_body_buffer_size (Kong default 8k); larger bodies are spooled to a temp file. */
    public LuaPeerBuilder bodyBufferSize(String size) {
        this.bodyBufferSize = size;
        return this;
    }

    /** client_max_body_size (default 10m). */
    public LuaPeerBuilder maxBodySize(String size) {
        this.maxBodySize = size;
        return this;
    }

    /** "3.9" (default; any 3.x behaves as 3.9) or "2.x" (StepError, str raw bodies, __key__ instances). */
    public LuaPeerBuilder kongVersion(String version) {
        this.kongVersion = version;
        return this;
    }

    /** Fixed listen port on 127.0.0.1 (default: a free one). */
    public LuaPeerBuilder port(int port) {
        this.port = port;
        return this;
    }

    /** lua_socket_{connect,send,read}_timeout towards the plugin server (OpenResty/Kong default 60 s). */
    public LuaPeerBuilder socketTimeout(Duration timeout) {
        this.socketTimeout = timeout;
        return this;
    }

    /** lua_socket_keepalive_timeout for idle pooled connections (default 60 s). */
    public LuaPeerBuilder keepaliveTimeout(Duration timeout) {
        this.keepaliveTimeout = timeout;
        return this;
    }

    /** How long {@link #start()} waits for {@code GET /__peer/health} (default 30 s). */
    public LuaPeerBuilder startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /** How long {@link LuaPeer#close} waits after SIGQUIT before SIGKILL. */
    public LuaPeerBuilder stopTimeout(Duration timeout) {
        this.stopTimeout = timeout;
        return this;
    }

    /** nginx error_log level (default info, so kong.log.info lines are visible). */
    public LuaPeerBuilder logLevel(String level) {
        this.logLevel = level;
        return this;
    }

    /** Write logs/access.log (default off). */
    public LuaPeerBuilder accessLog(boolean on) {
        this.accessLog = on;
        return this;
    }

    /** Add X-Kpeer-Rpc-Calls / X-Kpeer-Pdk-Calls / X-Kpeer-Worker-Pid response headers. */
    public LuaPeerBuilder debugHeaders(boolean on) {
        this.debugHeaders = on;
        return this;
    }

    /** trusted_ips for kong.ip.is_trusted and the get_forwarded_* functions. */
    public LuaPeerBuilder trustedIps(List<String> cidrs) {
        this.trustedIps = List.copyOf(cidrs);
        return this;
    }

    /** Re-runs of an event after "no plugin instance" (default 1; Kong 3.9 itself has no bound). */
    public LuaPeerBuilder maxInstanceRetries(int n) {
        this.maxInstanceRetries = n;
        return this;
    }

    /** The node id {@code kong.node.get_id} returns (default: a random UUID). */
    public LuaPeerBuilder nodeId(String uuid) {
        this.nodeId = uuid;
        return this;
    }

    /** Keep the prefix directory after close (also -Dkpeer.keepPrefix=true). */
    public LuaPeerBuilder keepPrefix(boolean keep) {
        this.keepPrefix = keep;
        return this;
    }

    /** Use this (empty or reusable) directory as prefix instead of a fresh temp dir; it is not deleted. */
    public LuaPeerBuilder prefixDir(Path dir) {
        this.prefixDir = dir.toAbsolutePath();
        this.keepPrefix = true;
        return this;
    }

    /** The nginx binary (default {@link LuaPeer#DEFAULT_NGINX}). */
    public LuaPeerBuilder nginxBinary(Path nginx) {
        this.nginx = nginx;
        return this;
    }

    /** Where ndk_http_module.so and ngx_http_lua_module.so are (default {@link LuaPeer#DEFAULT_MODULES_DIR}). */
    public LuaPeerBuilder modulesDir(Path dir) {
        this.modulesDir = dir;
        return this;
    }

    /**
     * Writes the prefix, starts nginx and waits until it answers; see {@link LuaPeer}.
     *
     * @throws IOException with nginx's stderr and error log when it does not come up
     */
    public LuaPeer start() throws IOException {
        return PeerLauncher.start(settings());
    }

    PeerSettings settings() {
        return new PeerSettings(
                servers(),
                declarativeJson,
                declarativeFile,
                workers,
                poolSize,
                bodyBufferSize,
                maxBodySize,
                kongVersion,
                port,
                socketTimeout,
                keepaliveTimeout,
                startTimeout,
                stopTimeout,
                logLevel,
                accessLog,
                debugHeaders,
                keepPrefix,
                prefixDir,
                trustedIps,
                maxInstanceRetries,
                nodeId,
                nginx,
                modulesDir);
    }

    private List<PluginServerSpec> servers() {
        if (!mainDeclared) {
            throw new IllegalStateException("no plugin server: call socketPath(...) and queryCommand(...)");
        }
        if (mainSocket == null || mainQuery == null) {
            throw new IllegalStateException("plugin server '" + MAIN_SERVER + "' needs socketPath and queryCommand");
        }
        List<PluginServerSpec> all = new ArrayList<>();
        all.add(new PluginServerSpec(MAIN_SERVER, mainSocket, mainQuery));
        all.addAll(furtherServers);
        return all;
    }
}
