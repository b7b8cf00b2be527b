package dev.kongjava.testkit.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Properties;

/**
 * Turns Kafka's logging (brokers and clients) down to WARN before any Kafka class creates a logger.
 *
 * <p>slf4j-simple reads a logger's level from system properties when the logger is created, so
 * these properties only work if they are set before the first Kafka class loads. Settings the user
 * already made, as system properties or in {@code simplelogger.properties}, win.
 */
public final class QuietLogging {
    private static final String SIMPLE_PREFIX = "org.slf4j.simpleLogger.log.";
    private static final String[] NOISY_LOGGERS = {"kafka", "org.apache.kafka", "state.change.logger"};
    // Loggers that warn about what fault tests do on purpose: every controller activation (one long
    // line per start), followers failing to fetch from a stopped leader (a stack trace per try), and
    // OAuth tokens refused by the broker or not issued to the client (a stack trace each).
    private static final String[] EXPECTED_TROUBLE = {
        "org.apache.kafka.controller.QuorumController",
        "kafka.server.ReplicaFetcherThread",
        "org.apache.kafka.common.security.oauthbearer"
    };
    private static final String LOG4J_CONFIG_KEY = "log4j2.configurationFile";
    private static final String LOG4J_CONFIG_RESOURCE = "log4j2-kafka.xml";

    private static boolean applied;

    private QuietLogging() {}

    /**
     * Sets the quiet defaults once per JVM; later calls do nothing. Call it before anything that
     * uses Kafka's classes (Kafka serdes extend its {@code AbstractConfig}, which logs every setting).
     */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        Properties userFile = simpleLoggerFile();
        for (String logger : NOISY_LOGGERS) {
            setUnlessConfigured(logger, "warn", userFile);
        }
        // A user who turned Kafka's logging up wants to see these too.
        if ("warn".equals(System.getProperty(SIMPLE_PREFIX + "org.apache.kafka"))
                && "warn".equals(System.getProperty(SIMPLE_PREFIX + "kafka"))) {
            for (String logger : EXPECTED_TROUBLE) {
                setUnlessConfigured(logger, "error", userFile);
            }
        }
        URL log4jConfig = QuietLogging.class.getResource(LOG4J_CONFIG_RESOURCE);
        if (System.getProperty(LOG4J_CONFIG_KEY) == null && log4jConfig != null) {
            System.setProperty(LOG4J_CONFIG_KEY, log4jConfig.toString());
        }
    }

    private static void setUnlessConfigured(String logger, String level, Properties userFile) {
        String key = SIMPLE_PREFIX + logger;
        if (System.getProperty(key) == null && !userFile.containsKey(key)) {
            System.setProperty(key, level);
        }
    }

    private static Properties simpleLoggerFile() {
        Properties properties = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        String file = "simplelogger.properties";
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(file)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // An unreadable user file means no user settings to respect; the quiet defaults apply.
            return new Properties();
        }
        return properties;
    }
}
