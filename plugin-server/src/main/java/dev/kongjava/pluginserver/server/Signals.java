package dev.kongjava.pluginserver.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * SIGTERM (what Kong 3.x sends on stop and reload) and SIGINT run a graceful stop instead of the
 * JVM's default exit status 143; the process then exits 0 once everything is flushed.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is reached by reflection: javac reports every
 * source reference to it as internal proprietary API, a warning that no option or annotation
 * silences, and the build compiles with {@code -Werror} (docs/architecture.md, "Code checks").
 */
final class Signals {
    private Signals() {}

    static void onTermination(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object onSignal = Proxy.newProxyInstance(
                    handler.getClassLoader(),
                    new Class<?>[] {handler},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "Signals.onTermination handler";
                    });
            for (String name : new String[] {"TERM", "INT"}) {
                signal.getMethod("handle", signal, handler)
                        .invoke(null, signal.getConstructor(String.class).newInstance(name), onSignal);
            }
        } catch (InvocationTargetException e) {
            // what Signal.handle throws, e.g. IllegalArgumentException for a signal the JVM keeps (-Xrs)
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Signal is not available: " + e, e);
        }
    }
}
