package dev.kongjava.pluginserver.plugin;

import dev.kongjava.pluginserver.pdk.Kong;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The phases an external plugin can run in, in Kong's order. Each constant holds the wire name
 * Kong sends as {@code EventName} and the handler interface that opts a plugin into it; both the
 * dump's {@code Phases} list and event dispatch come from here and nowhere else.
 */
public enum Phase {
    CERTIFICATE("certificate", CertificatePhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((CertificatePhase) handler).certificate(kong);
        }
    },
    REWRITE("rewrite", RewritePhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((RewritePhase) handler).rewrite(kong);
        }
    },
    ACCESS("access", AccessPhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((AccessPhase) handler).access(kong);
        }
    },
    RESPONSE("response", ResponsePhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((ResponsePhase) handler).response(kong);
        }
    },
    PREREAD("preread", PrereadPhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((PrereadPhase) handler).preread(kong);
        }
    },
    LOG("log", LogPhase.class) {
        @Override
        void run(Object handler, Kong kong) throws Exception {
            ((LogPhase) handler).log(kong);
        }
    };

    private final String wireName;
    private final Class<?> handlerType;

    Phase(String wireName, Class<?> handlerType) {
        this.wireName = wireName;
        this.handlerType = handlerType;
    }

    /** The name Kong uses in the dump's {@code Phases} and in {@code HandleEvent.EventName}. */
    public String wireName() {
        return wireName;
    }

    /** The interface a handler implements to run in this phase. */
    public Class<?> handlerType() {
        return handlerType;
    }

    /** Calls the handler's method for this phase; the handler must implement {@link #handlerType()}. */
    public void invoke(Object handler, Kong kong) throws Exception {
        run(handler, kong);
    }

    abstract void run(Object handler, Kong kong) throws Exception;

    /** The phase Kong calls {@code wireName}, if there is one. */
    public static Optional<Phase> fromWireName(@Nullable String wireName) {
        for (Phase phase : values()) {
            if (phase.wireName.equals(wireName)) {
                return Optional.of(phase);
            }
        }
        return Optional.empty();
    }

    /** Phases whose handler interface {@code handlerClass} implements, in Kong's order. */
    public static List<Phase> implementedBy(Class<?> handlerClass) {
        List<Phase> phases = new ArrayList<>();
        for (Phase phase : values()) {
            if (phase.handlerType.isAssignableFrom(handlerClass)) {
                phases.add(phase);
            }
        }
        return List.copyOf(phases);
    }
}
