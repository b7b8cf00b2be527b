package dev.kongjava.packaging.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's command line: {@code --repo <checkout> [--port 8000] [--front auto|lua|java]
 * [--topic kong-upstream]}. Port 0 picks a free port.
 *
 * @param repo the source checkout holding kong-config/ and the built jars
 * @param port the front's port on 127.0.0.1; 8000 falls back to a free port when taken
 * @param front which Kong-compatible front to run
 * @param topic the topic the route's plugin writes to
 */
record DemoOptions(Path repo, int port, Front front, String topic) {
    static final int KONG_PROXY_PORT = 8000;

    /** Which Kong-side peer answers HTTP. */
    enum Front {
        AUTO,
        LUA,
        JAVA
    }

    static DemoOptions parse(String[] args) {
        Path repo = Path.of(".");
        int port = KONG_PROXY_PORT;
        Front front = Front.AUTO;
        String topic = "kong-upstream";
        for (int i = 0; i < args.length; i += 2) { // an option, then its value
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--repo" -> repo = Path.of(required(args[i], value));
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--front" -> front = Front.valueOf(required(args[i], value).toUpperCase(java.util.Locale.ROOT));
                case "--topic" -> topic = required(args[i], value);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; usage: demo.sh [--port 8000] [--front auto|lua|java] [--topic kong-upstream]");
            }
        }
        repo = repo.toAbsolutePath().normalize();
        if (!Files.isRegularFile(repo.resolve("kong-config/kafka-upstream"))) {
            throw new IllegalArgumentException("--repo " + repo + " has no kong-config/kafka-upstream");
        }
        return new DemoOptions(repo, port, front, topic);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    Path launcher() {
        return repo.resolve("kong-config/kafka-upstream");
    }

    Path jar() {
        return repo.resolve("plugin-kafka-upstream/target/kafka-upstream.jar");
    }

    /** The jar of the example plugins (request-tagger, tag-echo). */
    Path exampleJar() {
        return repo.resolve("examples/request-tagger/target/request-tagger.jar");
    }
}
