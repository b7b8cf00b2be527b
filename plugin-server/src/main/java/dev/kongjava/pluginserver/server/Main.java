package dev.kongjava.pluginserver.server;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The command line of a plugin server: a plugin's {@code main} is one line,
 * {@code System.exit(Main.run(args, MyPlugin.DEFINITION))}. Kong runs it as {@code query_cmd}
 * (with {@code -dump}) and as {@code start_cmd}; the process then runs until SIGTERM, SIGINT or
 * (with {@code --exit-with-parent}) the end of the Kong worker that started it, and exits 0; or
 * until it can no longer serve, and exits 1 so that Kong starts a new one. A shutdown that left
 * work undone (see {@link PluginServer#closedCleanly()}) exits 1 too.
 *
 * <p>A jar may host several plugins ({@code Main.run(args, A.DEFINITION, B.DEFINITION)}). Kong up
 * to 3.8 registers every plugin of the dump; Kong 3.9+ only the first, so there each plugin gets its
 * own {@code pluginserver_names} entry whose commands add {@code --plugin <name>}: that process then
 * dumps and serves that one plugin, on {@code <kong-prefix>/<name>.socket} by default.
 */
public final class Main {
    /**
     * The parent when this class loaded, the earliest moment the server's code runs. A parent that
     * died while the JVM started is already replaced by a reaper here, so the launcher passes the
     * Kong worker's pid ({@code --exit-with-parent=<pid>}) and that wins.
     */
    private static final long PARENT_AT_START =
            ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);

    private Main() {}

    /** Runs the server for {@code plugins} (or the one {@code --plugin} names); returns the process exit code. */
    public static int run(String[] args, PluginDefinition<?>... plugins) {
        return run(args, System.out, System.err, plugins);
    }

    /**
     * Runs the server for one plugin whose definition is built only after logging is configured:
     * use this when building the definition creates loggers (they would miss {@code -v} otherwise).
     */
    public static int run(String[] args, Supplier<PluginDefinition<?>> plugin) {
        Logging.configure(List.of(args).contains("-v") || List.of(args).contains("--verbose"));
        return run(args, System.out, System.err, plugin.get());
    }

    static int run(String[] args, PrintStream out, PrintStream err, PluginDefinition<?>... plugins) {
        CommandLine cli;
        PluginDefinition<?>[] served;
        try {
            cli = CommandLine.parse(args, flags(plugins));
            served = served(cli.plugin, plugins);
        } catch (CommandLine.UsageException e) {
            err.println(plugins[0].name() + ": " + e.getMessage());
            err.print(usage(plugins));
            return 2;
        }
        if (cli.help) {
            out.print(usage(plugins));
            return 0;
        }
        if (cli.version) {
            out.println(served[0].name() + " " + served[0].version());
            return 0;
        }
        if (cli.dump) {
            // Kong parses stdout of query_cmd as JSON: the dump and nothing else goes there.
            out.print(dump(served));
            out.flush();
            return 0;
        }
        Logging.configure(cli.verbose);
        return serve(cli, served);
    }

    /**
     * All plugins, or only the one {@code --plugin} names: Kong 3.9+ reads only the first plugin of a
     * dump, so a jar hosting several runs as one server per plugin (docs/protocol.md §1.3).
     */
    private static PluginDefinition<?>[] served(@Nullable String name, PluginDefinition<?>[] plugins)
            throws CommandLine.UsageException {
        if (name == null) {
            return plugins;
        }
        for (PluginDefinition<?> p : plugins) {
            if (p.name().equals(name)) {
                return new PluginDefinition<?>[] {p};
            }
        }
        throw new CommandLine.UsageException("--plugin needs one of " + names(plugins) + ", got '" + name + "'");
    }

    private static String names(PluginDefinition<?>[] plugins) {
        return String.join(
                ", ", Arrays.stream(plugins).map(PluginDefinition::name).toList());
    }

    private static List<ServerFlag> flags(PluginDefinition<?>[] plugins) {
        List<ServerFlag> flags = new ArrayList<>();
        for (PluginDefinition<?> p : plugins) {
            flags.addAll(p.flags());
        }
        return flags;
    }

    private static int serve(CommandLine cli, PluginDefinition<?>... plugins) {
        Path socket = cli.socket != null ? cli.socket : Path.of(cli.kongPrefix, plugins[0].name() + ".socket");
        ServerOptions options;
        try {
            ServerOptions.Builder builder = ServerOptions.builder(socket)
                    .socketMode(cli.socketMode)
                    .allowedUids(cli.allowedUids)
                    .instanceIdleTimeout(cli.instanceIdleTimeout)
                    .eventTimeout(cli.eventTimeout)
                    .shutdownTimeout(cli.shutdownTimeout)
                    .maxMessageBytes(cli.maxMessageBytes)
                    .maxEvents(cli.maxEvents)
                    .maxInstances(cli.maxInstances)
                    .maxConnections(cli.maxConnections)
                    .exitWithParent(!cli.exitWithParent ? 0 : cli.parentPid != 0 ? cli.parentPid : PARENT_AT_START)
                    .flags(cli.flags);
            if (cli.maxBytesInFlight != null) {
                builder.maxBytesInFlight(cli.maxBytesInFlight);
            }
            options = builder.build();
        } catch (IllegalArgumentException e) {
            Logging.log().error("cannot start: {}", e.getMessage());
            return 2;
        }
        // Handlers go in before the socket exists: Kong may stop us at any moment (a reload right
        // after start), and the JVM's default would exit 143 and leave the socket file behind.
        CompletableFuture<PluginServer> started = new CompletableFuture<>();
        Signals.onTermination(() -> {
            // the shutdown thread reports its own failures; the callback's future has nothing to tell
            CompletableFuture<Void> unused =
                    started.thenAccept(s -> Thread.ofPlatform().name("shutdown").start(s::close));
        });
        PluginServer server;
        try {
            server = PluginServer.start(options, plugins);
        } catch (IOException | RuntimeException e) {
            Logging.log().error("cannot start: {}", e.getMessage());
            return 1;
        }
        started.complete(server);
        try {
            return server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The plugin info JSON {@code --dump} prints for Kong's {@code query_cmd}, e.g. to check a
     * plugin's Kong schema in a test: {@code {"Protocol":"MsgPack:1","Plugins":[{"Name",…,"Schema"}]}}.
     */
    public static String dump(PluginDefinition<?>... plugins) {
        return PluginInfoDump.json(List.of(plugins));
    }

    /** The {@code --help} text of a server for {@code plugins}, as {@code --help} prints it. */
    public static String usage(PluginDefinition<?>... plugins) {
        String name = plugins[0].name();
        String socketName = plugins.length == 1 ? name : "<--plugin or " + name + ">";
        StringBuilder u = new StringBuilder();
        u.append("Usage: ").append(name).append(" [options]\n\n");
        u.append("Kong external plugin server (MessagePack-RPC over a Unix socket).\n\n");
        line(u, "--dump, -dump", "print the plugin info JSON for Kong's query_cmd and exit");
        line(
                u,
                "--plugin <name>",
                "serve and dump only this plugin (" + names(plugins) + "); Kong 3.9+ needs one server per plugin");
        line(u, "--kong-prefix, -kong-prefix <dir>", "Kong prefix (default " + ServerOptions.DEFAULT_KONG_PREFIX + ")");
        line(u, "--socket <path>", "socket path (default <kong-prefix>/" + socketName + ".socket)");
        line(u, "--socket-mode <octal>", "socket file mode (default 600)");
        line(u, "--allow-uid <uid>[,<uid>...]", "accept only these peer uids (default: whom the mode admits)");
        line(u, "--instance-idle-timeout <d>", "close instances idle this long (default 60s)");
        line(u, "--event-timeout <d>", "end an event when Kong or the plugin is silent this long (default 30s)");
        line(u, "--max-message-size <n>", "largest RPC message, e.g. a request body (default 16m)");
        line(
                u,
                "--max-bytes-in-flight <n>",
                "requests held until answered, all connections (default 64m or 4x the above)");
        line(u, "--max-events <n>", "events running at once; more end with Kong's 503 (default 10000)");
        line(u, "--max-instances <n>", "live plugin instances; more are refused (default 20000)");
        line(
                u,
                "--max-connections <n>",
                "most connections open at once; further ones are closed (default "
                        + ServerOptions.DEFAULT_MAX_CONNECTIONS + ")");
        line(u, "--shutdown-timeout <d>", "on SIGTERM, wait this long for events, then for flushes (default 10s)");
        line(u, "--exit-with-parent[=<pid>]", "exit when the process that started the server (or <pid>) exits");
        line(u, "-v, --verbose", "log every RPC (debug)");
        line(u, "--version", "print the plugin version and exit");
        line(u, "-h, --help", "print this help and exit");
        List<ServerFlag> pluginFlags = flags(plugins);
        if (!pluginFlags.isEmpty()) {
            u.append("\nPlugin options:\n");
            for (ServerFlag f : pluginFlags) {
                line(u, "--" + f.name() + " <" + f.valueName() + ">", f.description());
            }
        }
        u.append("\nDurations: 500ms, 30s, 2m, 1h. Sizes: 1048576, 512k, 64m, 1g.\n");
        return u.toString();
    }

    private static void line(StringBuilder u, String option, String text) {
        u.append("  ")
                .append(String.format("%-36s", option))
                .append(' ')
                .append(text)
                .append('\n');
    }
}
