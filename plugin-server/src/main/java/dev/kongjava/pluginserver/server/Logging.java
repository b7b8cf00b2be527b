package dev.kongjava.pluginserver.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain single-line logs on stderr without colours: Kong captures the server's output and prefixes
 * each line with {@code [name:pid]}. These are settings of slf4j-simple, which the plugin's jar
 * brings as its logging backend, or not (plugin-server chooses none); a plugin sets defaults for
 * its own libraries' loggers in its {@code main}. A {@code -D} on the command line wins.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {}

    static void configure(boolean verbose) {
        setIfAbsent("logFile", "System.err");
        setIfAbsent("defaultLogLevel", verbose ? "debug" : "info");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
    }

    static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
