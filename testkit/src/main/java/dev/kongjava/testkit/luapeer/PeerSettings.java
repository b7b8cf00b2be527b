package dev.kongjava.testkit.luapeer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link LuaPeerBuilder#start()} captured: an immutable snapshot, so a builder can be changed
 * and reused without affecting a peer that is already running.
 *
 * @param declarativeJson config text, or null to read {@code declarativeFile} when the prefix is written
 * @param port fixed listen port, 0 for a free one
 * @param prefixDir caller-owned prefix directory, or null for a fresh temp directory
 */
record PeerSettings(
        List<PluginServerSpec> servers,
        String declarativeJson,
        Path declarativeFile,
        int workers,
        int poolSize,
        String bodyBufferSize,
        String maxBodySize,
        String kongVersion,
        int port,
        Duration socketTimeout,
        Duration keepaliveTimeout,
        Duration startTimeout,
        Duration stopTimeout,
        String logLevel,
        boolean accessLog,
        boolean debugHeaders,
        boolean keepPrefix,
        Path prefixDir,
        List<String> trustedIps,
        int maxInstanceRetries,
        String nodeId,
        Path nginx,
        Path modulesDir) {

    PeerSettings {
        servers = List.copyOf(servers);
        trustedIps = List.copyOf(trustedIps);
    }

    /** One {@code pluginserver_<name>_*} block of kong.conf: socket and query command line. */
    record PluginServerSpec(String name, Path socket, String queryCommand) {}

    /** True when the port is ours to choose, so a port taken in the meantime can be retried. */
    boolean freePort() {
        return port == 0;
    }
}
