package dev.kongjava.kafkaupstream.record;

import java.nio.charset.Charset;
import java.util.Locale;

/**
 * A Content-Type value split into its media type (lower-case, without parameters) and the
 * parameters the plugin needs ({@code charset}, {@code boundary}).
 */
public record MediaType(String type, String charset, String boundary) {
    static final MediaType NONE = new MediaType(null, null, null);

    public static MediaType parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        String[] parts = header.split(";", -1); // -1: ";" alone is two empty parts, not none
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        String charset = null;
        String boundary = null;
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = unquote(parts[i].substring(eq + 1).trim());
            if (name.equals("charset")) {
                charset = value;
            } else if (name.equals("boundary")) {
                boundary = value;
            }
        }
        return new MediaType(type.isEmpty() ? null : type, charset, boundary);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    boolean is(String mediaType) {
        return mediaType.equals(type);
    }

    /** The declared charset if the JVM knows it, else null. */
    Charset knownCharset() {
        if (charset == null) {
            return null;
        }
        try {
            return Charset.forName(charset);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
