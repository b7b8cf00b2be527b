package dev.kongjava.pluginserver.server;

/**
 * SIGTERM (what Kong 3.x sends on stop and reload) and SIGINT run a graceful stop instead of the
 * JVM's default exit status 143; the process then exits 0 once everything is flushed.
 */
@SuppressWarnings("removal")
final class Signals {
    private Signals() {}

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
        }
    }
}
