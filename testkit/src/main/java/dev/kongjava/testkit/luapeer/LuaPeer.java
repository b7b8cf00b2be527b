package dev.kongjava.testkit.luapeer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The project's Kong-side peer: Debian nginx + the lua module running our own Lua
 * ({@code kpeer}, in resources {@code dev/kongjava/testkit/luapeer/}) that speaks Kong 3.x's
 * side of the external-plugin MessagePack-RPC protocol to a plugin server over a Unix socket.
 *
 * <p>Typical use in a test:
 * <pre>{@code
 * assumeTrue(LuaPeer.available(), LuaPeer.unavailableReason());
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
 * <p>{@link #start} extracts the Lua modules and the nginx.conf template into a fresh temp
 * prefix, picks a free 127.0.0.1 port, starts {@code nginx -p <prefix> -c conf/nginx.conf}
 * and waits for {@code GET /__peer/health}. If nginx does not come up (bad query command,
 * invalid declarative config, schema errors...) it fails with nginx's stderr and the tail
 * of its error log. {@link #close} sends SIGQUIT, then SIGKILL after a bound, and deletes
 * the prefix.
 */
public final class LuaPeer implements AutoCloseable {

    /** Debian's nginx binary. */
    public static final Path DEFAULT_NGINX = Paths.get("/usr/sbin/nginx");
    /** Debian's dynamic modules (ndk_http_module.so, ngx_http_lua_module.so). */
    public static final Path DEFAULT_MODULES_DIR = Paths.get("/usr/lib/nginx/modules");

    private static final String RESOURCE_BASE = "/dev/kongjava/testkit/luapeer/";
    private static final List<String> LUA_MODULES = List.of(
            "init", "mp", "json", "schema", "dump", "declarative", "rpc", "instances",
            "bridge", "pdk", "stats", "control");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder config;
    private final Path prefix;
    private final int port;
    private final Process process;
    private final URI baseUri;
    private final HttpClient http;
    private volatile boolean closed;

    private LuaPeer(Builder config, Path prefix, int port, Process process) {
        this.config = config;
        this.prefix = prefix;
        this.port = port;
        this.process = process;
        this.baseUri = URI.create("http://127.0.0.1:" + port);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    // ------------------------------------------------------------------------------------
    // availability
    // ------------------------------------------------------------------------------------

    /** True when nginx, the lua + ndk modules, lua-messagepack, lua-cjson and lua-resty-core are installed. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /**
     * Why the peer cannot run here, or {@code null} when it can. Suitable as the message of
     * {@code Assumptions.assumeTrue(LuaPeer.available(), LuaPeer.unavailableReason())}.
     */
    public static String unavailableReason() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(DEFAULT_NGINX)) {
            missing.add(DEFAULT_NGINX + " (apt-get install nginx)");
        }
        if (!Files.isRegularFile(DEFAULT_MODULES_DIR.resolve("ngx_http_lua_module.so"))) {
            missing.add(DEFAULT_MODULES_DIR.resolve("ngx_http_lua_module.so") + " (libnginx-mod-http-lua)");
        }
        if (!Files.isRegularFile(DEFAULT_MODULES_DIR.resolve("ndk_http_module.so"))) {
            missing.add(DEFAULT_MODULES_DIR.resolve("ndk_http_module.so") + " (libnginx-mod-http-ndk)");
        }
        if (!Files.isRegularFile(Paths.get("/usr/share/lua/5.1/MessagePack.lua"))) {
            missing.add("/usr/share/lua/5.1/MessagePack.lua (lua-messagepack)");
        }
        if (!Files.isRegularFile(Paths.get("/usr/share/lua/5.1/resty/core.lua"))) {
            missing.add("/usr/share/lua/5.1/resty/core.lua (lua-resty-core)");
        }
        if (findLuaCpathDir() == null) {
            missing.add("/usr/lib/<arch>/lua/5.1/cjson.so (lua-cjson)");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "Lua peer unavailable, missing: " + String.join(", ", missing)
                + ". Install: apt-get install -y nginx libnginx-mod-http-lua libnginx-mod-http-ndk"
                + " lua-resty-core lua-resty-lrucache luajit2 lua-messagepack lua-cjson";
    }

    private static Path findLuaCpathDir() {
        Path lib = Paths.get("/usr/lib");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(lib)) {
            for (Path d : dirs) {
                Path candidate = d.resolve("lua/5.1");
                if (Files.isRegularFile(candidate.resolve("cjson.so"))) {
                    return candidate;
                }
            }
        } catch (IOException e) {
            return null;
        }
        Path plain = Paths.get("/usr/lib/lua/5.1");
        return Files.isRegularFile(plain.resolve("cjson.so")) ? plain : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------
    // accessors
    // ------------------------------------------------------------------------------------

    /** {@code http://127.0.0.1:<port>} */
    public URI baseUri() {
        return baseUri;
    }

    public int port() {
        return port;
    }

    /** The nginx prefix directory (conf/, logs/, lua/, tmp/). Deleted by {@link #close} unless kept. */
    public Path prefix() {
        return prefix;
    }

    /** PID of the nginx (master or single) process. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Counters summed over all workers (GET /__peer/stats). */
    public Map<String, Object> stats() {
        return getJson("/__peer/stats");
    }

    /** Reset the counters (DELETE /__peer/stats). */
    public void resetStats() {
        send("DELETE", "/__peer/stats", null, 200);
    }

    /** GET /__peer/health */
    public Map<String, Object> health() {
        return getJson("/__peer/health");
    }

    /** Each worker's cached plugin instances, by worker pid (GET /__peer/instances). */
    public Map<String, Object> instances() {
        return getJson("/__peer/instances");
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
        HttpResponse<String> r = send("POST", "/__peer/config", declarativeJson, -1);
        if (r.statusCode() == 400) {
            throw new IllegalArgumentException(messageOf(r.body()));
        }
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /__peer/config answered " + r.statusCode() + ": " + r.body());
        }
        Object v = parse(r.body()).get("version");
        return v instanceof Number n ? n.longValue() : -1;
    }

    /** Contents of nginx's error log (kong.log.* lines, RPC errors, ...). */
    public String errorLog() {
        return readQuietly(prefix.resolve("logs/error.log"));
    }

    /** Lines of the error log containing {@code needle}. */
    public List<String> errorLogLines(String needle) {
        return errorLog().lines().filter(l -> l.contains(needle)).toList();
    }

    /** What nginx printed on stderr (startup errors, query command stderr). */
    public String stderr() {
        return readQuietly(prefix.resolve("logs/nginx.stderr"));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> workers = process.descendants().toList();
        try {
            if (process.isAlive()) {
                signal("QUIT");
                if (!process.waitFor(config.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            // workers of a killed master could linger (they are re-parented): kill the ones we saw
            for (ProcessHandle w : workers) {
                if (w.isAlive()) {
                    w.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!config.keepPrefix) {
                deleteTree(prefix);
            }
        }
    }

    @Override
    public String toString() {
        return "LuaPeer[" + baseUri + ", prefix=" + prefix + ", pid=" + process.pid() + "]";
    }

    // ------------------------------------------------------------------------------------
    // start
    // ------------------------------------------------------------------------------------

    private static LuaPeer start(Builder b) throws IOException {
        String reason = unavailableReason();
        if (reason != null && b.nginx.equals(DEFAULT_NGINX)) {
            throw new IllegalStateException(reason);
        }
        if (b.servers.isEmpty()) {
            throw new IllegalStateException("no plugin server: call socketPath(...) and queryCommand(...)");
        }
        for (ServerDef s : b.servers) {
            if (s.socket == null || s.queryCommand == null) {
                throw new IllegalStateException("plugin server '" + s.name + "' needs socketPath and queryCommand");
            }
        }
        IOException last = null;
        int attempts = b.port == 0 ? 3 : 1;
        for (int i = 0; i < attempts; i++) {
            Path prefix = b.prefixDir != null ? b.prefixDir : Files.createTempDirectory("kpeer-");
            int port = b.port != 0 ? b.port : freePort();
            try {
                return startOnce(b, prefix, port);
            } catch (PortInUseException e) {
                last = e;
                if (b.prefixDir == null) {
                    deleteTree(prefix);
                }
            }
        }
        throw last;
    }

    private static final class PortInUseException extends IOException {
        PortInUseException(String msg) {
            super(msg);
        }
    }

    private static LuaPeer startOnce(Builder b, Path prefix, int port) throws IOException {
        writePrefix(b, prefix, port);
        Path stdout = prefix.resolve("logs/nginx.stdout");
        Path stderr = prefix.resolve("logs/nginx.stderr");
        ProcessBuilder pb = new ProcessBuilder(b.nginx.toString(), "-p", prefix + "/", "-c", "conf/nginx.conf");
        pb.directory(prefix.toFile());
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        LuaPeer peer = new LuaPeer(b, prefix, port, p);
        long deadline = System.nanoTime() + b.startTimeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                String err = readQuietly(stderr);
                String log = tail(readQuietly(prefix.resolve("logs/error.log")), 40);
                if (!b.keepPrefix && b.prefixDir == null && (err.contains("Address already in use")
                        || log.contains("Address already in use")) && b.port == 0) {
                    throw new PortInUseException("port " + port + " in use");
                }
                if (!b.keepPrefix && b.prefixDir == null) {
                    deleteTree(prefix);
                }
                throw new IOException("nginx (Lua peer) did not start, exit code " + p.exitValue()
                        + "\n--- nginx stderr ---\n" + err.strip()
                        + "\n--- error.log (tail) ---\n" + log.strip());
            }
            if (peer.healthy()) {
                return peer;
            }
            if (System.nanoTime() > deadline) {
                String err = readQuietly(stderr);
                String log = tail(readQuietly(prefix.resolve("logs/error.log")), 40);
                peer.close();
                throw new IOException("nginx (Lua peer) did not answer on port " + port + " within "
                        + b.startTimeout + "\n--- nginx stderr ---\n" + err.strip()
                        + "\n--- error.log (tail) ---\n" + log.strip());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                peer.close();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting nginx", e);
            }
        }
    }

    private boolean healthy() {
        try {
            HttpRequest req = HttpRequest.newBuilder(baseUri.resolve("/__peer/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void writePrefix(Builder b, Path prefix, int port) throws IOException {
        Files.createDirectories(prefix.resolve("conf"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        Files.createDirectories(prefix.resolve("lua/kpeer"));
        for (String m : LUA_MODULES) {
            copyResource("lua/kpeer/" + m + ".lua", prefix.resolve("lua/kpeer/" + m + ".lua"));
        }

        String declarative = b.declarativeJson;
        if (declarative == null && b.declarativeFile != null) {
            declarative = Files.readString(b.declarativeFile);
        }
        if (declarative == null) {
            declarative = "{}";
        }
        Files.writeString(prefix.resolve("conf/declarative.json"), declarative);

        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("kong_version", b.kongVersion);
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerDef s : b.servers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name);
            m.put("socket", s.socket.toString());
            m.put("query_cmd", s.queryCommand);
            servers.add(m);
        }
        opts.put("pluginservers", servers);
        opts.put("declarative_config", "conf/declarative.json");
        opts.put("max_instance_retries", b.maxInstanceRetries);
        opts.put("trusted_ips", b.trustedIps);
        opts.put("debug_headers", b.debugHeaders);
        if (b.nodeId != null) {
            opts.put("node_id", b.nodeId);
        }
        Files.writeString(prefix.resolve("conf/peer.json"), JSON.writeValueAsString(opts));

        String template = resourceText("nginx.conf.template");
        Path cpath = findLuaCpathDir();
        boolean root = "root".equals(System.getProperty("user.name"));
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("USER_DIRECTIVE", root ? "user root root;" : "");
        vars.put("MASTER_PROCESS", b.workers > 1 ? "on" : "off");
        vars.put("WORKERS", Integer.toString(b.workers));
        vars.put("LOG_LEVEL", b.logLevel);
        vars.put("MODULES_DIR", b.modulesDir.toString());
        vars.put("ACCESS_LOG", b.accessLog ? "logs/access.log" : "off");
        vars.put("LUA_PATH", "/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua");
        vars.put("LUA_CPATH", (cpath != null ? cpath : Paths.get("/usr/lib/x86_64-linux-gnu/lua/5.1")) + "/?.so");
        vars.put("POOL_SIZE", Integer.toString(b.poolSize));
        vars.put("KEEPALIVE_TIMEOUT", b.keepaliveTimeout.toMillis() + "ms");
        vars.put("SOCKET_TIMEOUT", b.socketTimeout.toMillis() + "ms");
        vars.put("BODY_BUFFER_SIZE", b.bodyBufferSize);
        vars.put("MAX_BODY_SIZE", b.maxBodySize);
        vars.put("LISTEN", "127.0.0.1:" + port);
        String conf = template;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            conf = conf.replace("${" + e.getKey() + "}", e.getValue());
        }
        if (conf.contains("${")) {
            throw new IllegalStateException("unreplaced placeholder in nginx.conf.template: "
                    + conf.substring(conf.indexOf("${"), Math.min(conf.length(), conf.indexOf("${") + 30)));
        }
        Files.writeString(prefix.resolve("conf/nginx.conf"), conf);
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = LuaPeer.class.getResourceAsStream(RESOURCE_BASE + name)) {
            if (in == null) {
                throw new IOException("missing classpath resource " + RESOURCE_BASE + name);
            }
            Files.write(target, in.readAllBytes());
        }
    }

    private static String resourceText(String name) throws IOException {
        try (InputStream in = LuaPeer.class.getResourceAsStream(RESOURCE_BASE + name)) {
            if (in == null) {
                throw new IOException("missing classpath resource " + RESOURCE_BASE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
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

    // ------------------------------------------------------------------------------------
    // process helpers
    // ------------------------------------------------------------------------------------

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            k.getInputStream().readAllBytes();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    // ------------------------------------------------------------------------------------
    // http helpers
    // ------------------------------------------------------------------------------------

    private Map<String, Object> getJson(String path) {
        HttpResponse<String> r = send("GET", path, null, 200);
        return parse(r.body());
    }

    private HttpResponse<String> send(String method, String path, String body, int expect) {
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(baseUri.resolve(path)).timeout(Duration.ofSeconds(30));
            if (body != null) {
                rb.header("Content-Type", "application/json");
                rb.method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                rb.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            if (expect > 0 && r.statusCode() != expect) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + json, e);
        }
    }

    private static String messageOf(String body) {
        try {
            Object m = parse(body).get("message");
            return m != null ? m.toString() : body;
        } catch (RuntimeException e) {
            return body;
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                return "";
            }
        }
    }

    private static String tail(String s, int lines) {
        List<String> all = s.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    // ------------------------------------------------------------------------------------
    // builder
    // ------------------------------------------------------------------------------------

    private static final class ServerDef {
        final String name;
        Path socket;
        String queryCommand;

        ServerDef(String name) {
            this.name = name;
        }
    }

    /** Options of a {@link LuaPeer}; defaults follow Kong 3.9. */
    public static final class Builder {
        private final List<ServerDef> servers = new ArrayList<>();
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
        private List<String> trustedIps = new ArrayList<>();
        private int maxInstanceRetries = 1;
        private String nodeId;
        private Path nginx = DEFAULT_NGINX;
        private Path modulesDir = DEFAULT_MODULES_DIR;

        private Builder() {
        }

        private ServerDef main() {
            if (servers.isEmpty()) {
                servers.add(new ServerDef("pluginserver"));
            }
            return servers.get(0);
        }

        /** Unix socket of the plugin server ({@code pluginserver_<name>_socket}). */
        public Builder socketPath(Path socket) {
            main().socket = Objects.requireNonNull(socket).toAbsolutePath();
            return this;
        }

        public Builder socketPath(String socket) {
            return socketPath(Paths.get(socket));
        }

        /**
         * Query command ({@code pluginserver_<name>_query_cmd}): argv, shell-quoted into the
         * command line nginx runs with io.popen at startup; must print the dump JSON on stdout.
         */
        public Builder queryCommand(List<String> argv) {
            main().queryCommand = shellQuote(argv);
            return this;
        }

        public Builder queryCommand(String... argv) {
            return queryCommand(List.of(argv));
        }

        /** Query command as a ready shell command line (used verbatim). */
        public Builder queryShellCommand(String commandLine) {
            main().queryCommand = Objects.requireNonNull(commandLine);
            return this;
        }

        /** A further plugin server (Kong 3.9: one plugin per server). */
        public Builder addPluginServer(String name, Path socket, List<String> queryArgv) {
            main();
            ServerDef s = new ServerDef(name);
            s.socket = socket.toAbsolutePath();
            s.queryCommand = shellQuote(queryArgv);
            servers.add(s);
            return this;
        }

        /** Declarative config as JSON text ({"routes":[...],"services":[...],"plugins":[...]}). */
        public Builder declarativeConfig(String json) {
            this.declarativeJson = json;
            this.declarativeFile = null;
            return this;
        }

        public Builder declarativeConfig(Path file) {
            this.declarativeFile = file;
            this.declarativeJson = null;
            return this;
        }

        /** nginx worker processes (default 1, then without a master process). */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1");
            }
            this.workers = workers;
            return this;
        }

        /** lua_socket_pool_size: idle connections per worker to the socket (Kong 3.5+: 256). */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /** client_body_buffer_size (Kong default 8k); larger bodies are spooled to a temp file. */
        public Builder bodyBufferSize(String size) {
            this.bodyBufferSize = size;
            return this;
        }

        /** client_max_body_size (default 10m). */
        public Builder maxBodySize(String size) {
            this.maxBodySize = size;
            return this;
        }

        /** "3.9" (default; any 3.x behaves as 3.9) or "2.x" (StepError, str raw bodies, __key__ instances). */
        public Builder kongVersion(String version) {
            this.kongVersion = version;
            return this;
        }

        /** Fixed listen port on 127.0.0.1 (default: a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** lua_socket_{connect,send,read}_timeout towards the plugin server (OpenResty/Kong default 60 s). */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = timeout;
            return this;
        }

        /** lua_socket_keepalive_timeout for idle pooled connections (default 60 s). */
        public Builder keepaliveTimeout(Duration timeout) {
            this.keepaliveTimeout = timeout;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link #close} waits after SIGQUIT before SIGKILL. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** nginx error_log level (default info, so kong.log.info lines are visible). */
        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        public Builder accessLog(boolean on) {
            this.accessLog = on;
            return this;
        }

        /** Add X-Kpeer-Rpc-Calls / X-Kpeer-Pdk-Calls / X-Kpeer-Worker-Pid response headers. */
        public Builder debugHeaders(boolean on) {
            this.debugHeaders = on;
            return this;
        }

        /** trusted_ips for kong.ip.is_trusted and the get_forwarded_* functions. */
        public Builder trustedIps(List<String> cidrs) {
            this.trustedIps = new ArrayList<>(cidrs);
            return this;
        }

        /** Re-runs of an event after "no plugin instance" (default 1; Kong 3.9 itself has no bound). */
        public Builder maxInstanceRetries(int n) {
            this.maxInstanceRetries = n;
            return this;
        }

        public Builder nodeId(String uuid) {
            this.nodeId = uuid;
            return this;
        }

        /** Keep the prefix directory after close (also -Dkpeer.keepPrefix=true). */
        public Builder keepPrefix(boolean keep) {
            this.keepPrefix = keep;
            return this;
        }

        /** Use this (empty or reusable) directory as prefix instead of a fresh temp dir; it is not deleted. */
        public Builder prefixDir(Path dir) {
            this.prefixDir = dir.toAbsolutePath();
            this.keepPrefix = true;
            return this;
        }

        public Builder nginxBinary(Path nginx) {
            this.nginx = nginx;
            return this;
        }

        public Builder modulesDir(Path dir) {
            this.modulesDir = dir;
            return this;
        }

        public LuaPeer start() throws IOException {
            return LuaPeer.start(this);
        }
    }
}
