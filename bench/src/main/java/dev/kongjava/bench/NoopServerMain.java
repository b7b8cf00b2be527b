package dev.kongjava.bench;

import dev.kongjava.pluginserver.server.Main;

/** {@code java -cp … dev.kongjava.bench.NoopServerMain [server options]}: our server with {@code bench-noop} only. */
public final class NoopServerMain {
    private NoopServerMain() {}

    public static void main(String[] args) {
        System.exit(Main.run(args, BenchPlugin.DEFINITION));
    }
}
