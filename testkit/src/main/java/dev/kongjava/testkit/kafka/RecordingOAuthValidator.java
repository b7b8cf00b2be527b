package dev.kongjava.testkit.kafka;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler;

/**
 * Kafka's own OAUTHBEARER validator, which also records the principal and SASL extensions of every
 * login whose token it accepted, so that tests can see what a client sent. Kafka creates it by class
 * name; the broker it belongs to is named by the JAAS option {@value #BROKER_OPTION}.
 */
public final class RecordingOAuthValidator extends OAuthBearerValidatorCallbackHandler {
    static final String BROKER_OPTION = "testkitBroker";

    private static final Map<String, List<OAuthLogin>> LOGINS = new ConcurrentHashMap<>();

    private volatile List<OAuthLogin> logins = List.of();

    /** Created by Kafka, by class name. */
    public RecordingOAuthValidator() {}

    @Override
    public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasEntries) {
        super.configure(configs, mechanism, jaasEntries);
        Object broker = jaasEntries.getFirst().getOptions().get(BROKER_OPTION);
        if (broker == null) {
            throw new IllegalArgumentException(getClass().getName() + " needs the JAAS option " + BROKER_OPTION);
        }
        logins = LOGINS.computeIfAbsent(broker.toString(), b -> new CopyOnWriteArrayList<>());
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        super.handle(callbacks);
        for (Callback callback : callbacks) {
            // Kafka asks about extensions only after the token itself was accepted.
            if (callback instanceof OAuthBearerExtensionsValidatorCallback extensions) {
                logins.add(new OAuthLogin(
                        extensions.token().principalName(),
                        Map.copyOf(extensions.inputExtensions().map())));
            }
        }
    }

    /** The accepted logins of the broker named {@code broker}, oldest first. */
    static List<OAuthLogin> logins(String broker) {
        return List.copyOf(LOGINS.getOrDefault(broker, List.of()));
    }

    /** Forgets a closed broker's logins. */
    static void forget(String broker) {
        LOGINS.remove(broker);
    }
}
