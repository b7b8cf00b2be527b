package dev.kongjava.pluginserver.internal;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Text from a peer (a config value, a key name) quoted in a log line or an error: cut to a fixed
 * length, so what Kong or an Admin API user sends cannot decide how long a line is.
 */
public final class LogText {
    /** The most characters of one value a line quotes. */
    public static final int MAX_QUOTED = 200;
    /** The most items of a list a line names. */
    public static final int MAX_ITEMS = 20;

    private LogText() {}

    /** {@code text} itself when short, else its start and how long it was. */
    public static String cap(String text) {
        if (text == null || text.length() <= MAX_QUOTED) {
            return text;
        }
        return text.substring(0, MAX_QUOTED) + "... (" + text.length() + " characters)";
    }

    /** The first {@link #MAX_ITEMS} items, each capped, and how many more there were. */
    public static String cap(Collection<String> items) {
        String shown = items.stream().limit(MAX_ITEMS).map(LogText::cap).collect(Collectors.joining(", ", "[", "]"));
        return items.size() > MAX_ITEMS ? shown + " and " + (items.size() - MAX_ITEMS) + " more" : shown;
    }
}
