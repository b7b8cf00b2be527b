package dev.kongjava.kafkaupstream.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) parsed into form fields: name → content bytes,
 * repeated names in order. Parts without a name are skipped, as Kong's parser does.
 */
final class Multipart {
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");

    private Multipart() {}

    /** name → byte[] or List of byte[] when repeated. */
    static Map<String, Object> parse(byte[] body, String boundary) throws BadRequestBody {
        if (boundary == null || boundary.isEmpty()) {
            throw new BadRequestBody("multipart/form-data without a boundary parameter");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new BadRequestBody("multipart body has no part delimited by its boundary");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        while (true) {
            int after = pos + delimiter.length;
            if (startsWith(body, after, "--")) {
                return fields; // closing delimiter
            }
            int headersStart = skipLineBreak(body, after);
            int next = indexOf(body, delimiter, headersStart);
            if (next < 0) {
                throw new BadRequestBody("multipart body ends without its closing boundary");
            }
            part(body, headersStart, contentEnd(body, next), fields);
            pos = next;
        }
    }

    private static void part(byte[] body, int start, int end, Map<String, Object> fields) throws BadRequestBody {
        int split = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
        int gap = 4;
        if (split < 0 || split > end) {
            split = indexOf(body, "\n\n".getBytes(StandardCharsets.ISO_8859_1), start);
            gap = 2;
        }
        if (split < 0 || split > end) {
            throw new BadRequestBody("multipart part without a blank line after its headers");
        }
        String headers = new String(body, start, split - start, StandardCharsets.UTF_8);
        String name = fieldName(headers);
        if (name == null) {
            return;
        }
        byte[] content = java.util.Arrays.copyOfRange(body, split + gap, Math.max(split + gap, end));
        Object previous = fields.get(name);
        if (previous == null) {
            fields.put(name, content);
        } else if (previous instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) list;
            values.add(content);
        } else {
            List<Object> values = new ArrayList<>(List.of(previous, content));
            fields.put(name, values);
        }
    }

    private static String fieldName(String headers) {
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-disposition")) {
                Matcher m = NAME.matcher(line.substring(colon + 1));
                if (m.find()) {
                    return m.group(1) != null ? m.group(1) : m.group(2);
                }
            }
        }
        return null;
    }

    /** The content ends before the line break that precedes the next delimiter. */
    private static int contentEnd(byte[] body, int delimiterAt) {
        if (delimiterAt >= 2 && body[delimiterAt - 2] == '\r' && body[delimiterAt - 1] == '\n') {
            return delimiterAt - 2;
        }
        return delimiterAt >= 1 && body[delimiterAt - 1] == '\n' ? delimiterAt - 1 : delimiterAt;
    }

    private static int skipLineBreak(byte[] body, int at) {
        while (at < body.length && (body[at] == ' ' || body[at] == '\t')) {
            at++; // transport padding after a delimiter
        }
        if (startsWith(body, at, "\r\n")) {
            return at + 2;
        }
        return at < body.length && body[at] == '\n' ? at + 1 : at;
    }

    private static boolean startsWith(byte[] body, int at, String text) {
        if (at + text.length() > body.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (body[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
