package dev.kongjava.pluginserver;

import dev.kongjava.pluginserver.server.Main;

/** The probe plugin as a standalone server process, for tests that need a real process (SIGTERM, Lua peer). */
public final class ProbeServerMain {
    private ProbeServerMain() {}

    public static void main(String[] args) {
        System.exit(Main.run(args, ProbePlugin.DEFINITION));
    }
}
