package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.CertificatePhase;
import dev.kongjava.pluginserver.plugin.LogPhase;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PrereadPhase;
import dev.kongjava.pluginserver.plugin.ResponsePhase;
import dev.kongjava.pluginserver.plugin.RewritePhase;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Event dispatch by {@link Phase}: the server's side of the phase interfaces, kept out of the
 * plugin API. The switch has no default, so a phase added to the enum does not compile until it
 * is dispatched here too.
 */
public final class Phases {
    private Phases() {}

    /** The phase Kong calls {@code wireName}, if there is one. */
    public static Optional<Phase> byWireName(@Nullable String wireName) {
        for (Phase phase : Phase.values()) {
            if (phase.wireName().equals(wireName)) {
                return Optional.of(phase);
            }
        }
        return Optional.empty();
    }

    /** Calls the handler's method for {@code phase}; the handler implements that phase's interface. */
    public static void run(Phase phase, Object handler, Kong kong) throws Exception {
        switch (phase) {
            case CERTIFICATE -> ((CertificatePhase) handler).certificate(kong);
            case REWRITE -> ((RewritePhase) handler).rewrite(kong);
            case ACCESS -> ((AccessPhase) handler).access(kong);
            case RESPONSE -> ((ResponsePhase) handler).response(kong);
            case PREREAD -> ((PrereadPhase) handler).preread(kong);
            case LOG -> ((LogPhase) handler).log(kong);
        }
    }
}
