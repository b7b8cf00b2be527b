package dev.kongjava.kafkaupstream.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code a=1&b=2&b=3&flag} the way nginx's {@code ngx.decode_args} (behind Kong's
 * {@code get_query} and form {@code get_body}) does: '+' is a space, {@code %XX} is a byte and
 * an invalid escape stays as written, a name without '=' is {@code true}, repeated names become
 * arrays in order, empty segments and empty names are skipped.
 */
final class FormCodec {
    private FormCodec() {}

    /** name → String, Boolean.TRUE, or a List of those when repeated. */
    static Map<String, Object> decode(String query) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return args;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            add(args, query.substring(start, end));
            start = end + 1;
        }
        return args;
    }

    private static void add(Map<String, Object> args, String pair) {
        int eq = pair.indexOf('=');
        String name = unescape(eq < 0 ? pair : pair.substring(0, eq));
        if (name.isEmpty()) {
            return;
        }
        Object value = eq < 0 ? true : unescape(pair.substring(eq + 1));
        Object previous = args.get(name);
        if (previous == null) {
            args.put(name, value);
        } else if (previous instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) list;
            values.add(value);
        } else {
            List<Object> values = new ArrayList<>(2);
            values.add(previous);
            values.add(value);
            args.put(name, values);
        }
    }

    /** Percent-decoding to bytes, then UTF-8 (malformed sequences become U+FFFD). */
    static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] bytes = Character.toString(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
            i += Character.charCount(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
