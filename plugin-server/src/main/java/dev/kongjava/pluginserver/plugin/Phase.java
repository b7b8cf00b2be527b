package dev.kongjava.pluginserver.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * The phases an external plugin can run in, in Kong's order. Each constant holds the wire name
 * Kong sends as {@code EventName} and the handler interface that opts a plugin into it; the dump's
 * {@code Phases} list and event dispatch both come from here.
 */
public enum Phase {
    CERTIFICATE("certificate", CertificatePhase.class),
    REWRITE("rewrite", RewritePhase.class),
    ACCESS("access", AccessPhase.class),
    RESPONSE("response", ResponsePhase.class),
    PREREAD("preread", PrereadPhase.class),
    LOG("log", LogPhase.class);

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

    /** Phases whose handler interface {@code handlerClass} implements, in Kong's order. */
    static List<Phase> implementedBy(Class<?> handlerClass) {
        List<Phase> phases = new ArrayList<>();
        for (Phase phase : values()) {
            if (phase.handlerType.isAssignableFrom(handlerClass)) {
                phases.add(phase);
            }
        }
        return List.copyOf(phases);
    }
}
