package dev.kongjava.pluginserver.server;

import dev.kongjava.pluginserver.plugin.ServerFlag;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses the server's command line. Accepts Kong's single-dash spellings ({@code -dump},
 * {@code -kong-prefix}) as well as {@code --flag value} and {@code --flag=value}.
 */
final class CommandLine {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)");
    private static final Set<String> VALUE_OPTIONS = Set.of(
            "kong-prefix",
            "p",
            "socket",
            "socket-mode",
            "allow-uid",
            "instance-idle-timeout",
            "event-timeout",
            "shutdown-timeout",
            "max-message-size",
            "max-bytes-in-flight",
            "max-events",
            "max-instances",
            "max-connections",
            "plugin");

    /** Thrown for unusable input; the message is shown above the usage text. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    boolean help;
    boolean dump;
    boolean version;
    boolean verbose;
    /** The one plugin to serve and dump ({@code --plugin}); null for all of them. */
    @Nullable
    String plugin;

    String kongPrefix = ServerOptions.DEFAULT_KONG_PREFIX;

    @Nullable
    Path socket;

    Set<PosixFilePermission> socketMode = ServerOptions.DEFAULT_SOCKET_MODE;
    Set<Integer> allowedUids = Set.of();
    Duration instanceIdleTimeout = ServerOptions.DEFAULT_INSTANCE_IDLE_TIMEOUT;
    Duration eventTimeout = ServerOptions.DEFAULT_EVENT_TIMEOUT;
    Duration shutdownTimeout = ServerOptions.DEFAULT_SHUTDOWN_TIMEOUT;
    long maxMessageBytes = ServerOptions.DEFAULT_MAX_MESSAGE_BYTES;
    /** Null unless given: then the default grows with --max-message-size (see ServerOptions.Builder). */
    @Nullable
    Long maxBytesInFlight;

    int maxEvents = ServerOptions.DEFAULT_MAX_EVENTS;
    int maxInstances = ServerOptions.DEFAULT_MAX_INSTANCES;
    int maxConnections = ServerOptions.DEFAULT_MAX_CONNECTIONS;
    boolean exitWithParent;
    /** The pid given as {@code --exit-with-parent=<pid>}; 0 when the flag has no value. */
    long parentPid;

    final Map<String, String> flags = new HashMap<>();

    static CommandLine parse(String[] args, List<ServerFlag> pluginFlags) throws UsageException {
        CommandLine c = new CommandLine();
        Set<String> known = new HashSet<>();
        pluginFlags.forEach(f -> known.add(f.name()));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("-") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            String name = arg.startsWith("--") ? arg.substring(2) : arg.startsWith("-") ? arg.substring(1) : null;
            if (name == null || name.isEmpty()) {
                throw new UsageException("unexpected argument: " + args[i]);
            }
            switch (name) {
                case "h", "help" -> c.help = true;
                case "dump" -> c.dump = true;
                case "version" -> c.version = true;
                case "v", "verbose" -> c.verbose = true;
                case "exit-with-parent" -> {
                    c.exitWithParent = true;
                    // 1 is accepted: the launcher's parent was gone when it ran, and the server refuses to start
                    c.parentPid = value == null ? 0 : number(arg, value, 1, Long.MAX_VALUE, "a process id");
                }
                default -> {
                    if (!VALUE_OPTIONS.contains(name) && !known.contains(name)) {
                        throw new UsageException("unknown option: " + arg);
                    }
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("missing value for " + arg);
                        }
                        value = args[++i];
                    }
                    c.option(name, arg, value);
                }
            }
        }
        return c;
    }

    private void option(String name, String arg, String value) throws UsageException {
        switch (name) {
            case "kong-prefix", "p" -> kongPrefix = value;
            case "plugin" -> plugin = value;
            case "socket" -> socket = Path.of(value);
            case "socket-mode" -> socketMode = mode(arg, value);
            case "allow-uid" -> allowedUids = uids(arg, value);
            case "instance-idle-timeout" -> instanceIdleTimeout = duration(arg, value);
            case "event-timeout" -> eventTimeout = duration(arg, value);
            case "shutdown-timeout" -> shutdownTimeout = duration(arg, value);
            case "max-message-size" -> maxMessageBytes = size(arg, value);
            case "max-bytes-in-flight" -> maxBytesInFlight = size(arg, value);
            case "max-events" -> maxEvents = count(arg, value);
            case "max-instances" -> maxInstances = count(arg, value);
            case "max-connections" -> maxConnections = count(arg, value);
            default -> flags.put(name, value); // a plugin flag: parse() checked the name
        }
    }

    static int count(String arg, String value) throws UsageException {
        return (int) number(arg, value, 1, Integer.MAX_VALUE, "a whole number of at least 1");
    }

    static Duration duration(String arg, String value) throws UsageException {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new UsageException(arg + " needs a duration like 500ms, 30s, 2m or 1h, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new UsageException(arg + " must be greater than zero");
        }
        return d;
    }

    static long size(String arg, String value) throws UsageException {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new UsageException(arg + " needs a size like 1048576, 512k, 64m or 1g, got '" + value + "'");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n < 1 || n > (Integer.MAX_VALUE >> shift) || (n << shift) < 1024) {
            throw new UsageException(arg + " must be between 1k and 2g, got '" + value + "'");
        }
        return n << shift;
    }

    /** A whole number from {@code min} to {@code max}; {@code what} says what is expected when it is not. */
    static long number(String arg, String value, long min, long max, String what) throws UsageException {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(arg + " needs " + what + ", got '" + value + "'");
    }

    static Set<PosixFilePermission> mode(String arg, String value) throws UsageException {
        if (!value.matches("0?[0-7]{3}")) {
            throw new UsageException(arg + " needs an octal mode like 600 or 0660, got '" + value + "'");
        }
        int bits = Integer.parseInt(value, 8);
        if ((bits & 0600) != 0600) {
            throw new UsageException(arg + " must keep read and write for the owner, got '" + value + "'");
        }
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            text.append((bits & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    static Set<Integer> uids(String arg, String value) throws UsageException {
        Set<Integer> uids = new HashSet<>();
        for (String part : value.split(",")) {
            try {
                int uid = Integer.parseInt(part.trim());
                if (uid < 0) {
                    throw new NumberFormatException();
                }
                uids.add(uid);
            } catch (NumberFormatException e) {
                throw new UsageException(arg + " needs numeric uids separated by commas, got '" + value + "'");
            }
        }
        return Set.copyOf(uids);
    }
}
