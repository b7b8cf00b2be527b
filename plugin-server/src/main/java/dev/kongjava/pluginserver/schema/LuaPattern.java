package dev.kongjava.pluginserver.schema;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Lua pattern, as Kong's {@code match} attribute takes it ({@code value:match(pattern)}), run in
 * Java so StartInstance refuses exactly what Kong refuses. Lua matches bytes, so the value is
 * matched as its UTF-8 bytes, one char per byte; the character classes are the C locale's (ASCII).
 * A subset is translated: anchors {@code ^ $}, {@code .}, {@code %a %c %d %l %p %s %u %w %x} and
 * their upper-case complements, {@code %} escapes, sets {@code [...]} / {@code [^...]} with ranges,
 * and the quantifiers {@code * + - ?}. Captures, {@code %b}, {@code %f} and back references are
 * refused when the schema is declared.
 */
final class LuaPattern {
    private static final Map<Character, String> CLASSES = Map.of(
            'a',
            "\\p{Alpha}",
            'c',
            "\\p{Cntrl}",
            'd',
            "\\p{Digit}",
            'l',
            "\\p{Lower}",
            'p',
            "\\p{Punct}",
            's',
            "\\s",
            'u',
            "\\p{Upper}",
            'w',
            "\\p{Alnum}",
            'x',
            "\\p{XDigit}");

    private final String source;
    private final Pattern regex;

    private LuaPattern(String source, Pattern regex) {
        this.source = source;
        this.regex = regex;
    }

    /** @throws IllegalArgumentException naming the construct this translation does not cover */
    static LuaPattern compile(String lua) {
        if (!lua.chars().allMatch(c -> c < 0x80)) {
            throw new IllegalArgumentException(
                    "Lua pattern '" + lua + "': only ASCII is supported (Lua matches bytes)");
        }
        return new LuaPattern(lua, Pattern.compile(new Translator(lua).translate(), Pattern.DOTALL));
    }

    /** True when the pattern matches anywhere in {@code value} (anchored only where it says so). */
    boolean matches(String value) {
        return regex.matcher(new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))
                .find();
    }

    /** The Lua pattern as declared, written to the dump. */
    String source() {
        return source;
    }

    /** Lua pattern syntax to java.util.regex, one item at a time. */
    private static final class Translator {
        private final String lua;
        private final StringBuilder out = new StringBuilder();
        private int i;

        Translator(String lua) {
            this.lua = lua;
        }

        String translate() {
            if (lua.startsWith("^")) {
                out.append("\\A");
                i = 1;
            }
            while (i < lua.length()) {
                if (lua.charAt(i) == '$' && i == lua.length() - 1) {
                    out.append("\\z");
                    i++;
                } else {
                    item();
                    quantifier();
                }
            }
            return out.toString();
        }

        private void item() {
            char c = lua.charAt(i++);
            switch (c) {
                case '.' -> out.append('.');
                case '%' -> out.append(escape(next("a class after '%'")));
                case '[' -> set();
                case '(', ')' -> unsupported("captures");
                default -> out.append(literal(c));
            }
        }

        private void quantifier() {
            if (i >= lua.length()) {
                return;
            }
            switch (lua.charAt(i)) {
                case '*', '+', '?' -> out.append(lua.charAt(i++));
                case '-' -> {
                    out.append("*?");
                    i++;
                }
                default -> {}
            }
        }

        private void set() {
            out.append('[');
            if (i < lua.length() && lua.charAt(i) == '^') {
                out.append('^');
                i++;
            }
            boolean first = true;
            while (first || lua.charAt(i) != ']') {
                first = false;
                char c = next("a closing ']'");
                if (c == '%') {
                    out.append(escape(next("a class after '%'")));
                } else if (i + 1 < lua.length() && lua.charAt(i) == '-' && lua.charAt(i + 1) != ']') {
                    char to = lua.charAt(i + 1);
                    i += 2;
                    out.append(literal(c)).append('-').append(literal(to));
                } else {
                    out.append(literal(c));
                }
                if (i >= lua.length()) {
                    throw new IllegalArgumentException("Lua pattern '" + lua + "': malformed set (missing ']')");
                }
            }
            i++;
            out.append(']');
        }

        private String escape(char c) {
            String cls = CLASSES.get(Character.toLowerCase(c));
            if (cls != null) {
                boolean complement = Character.isUpperCase(c);
                return complement ? (cls.equals("\\s") ? "\\S" : "\\P" + cls.substring(2)) : cls;
            }
            if (Character.isLetterOrDigit(c)) {
                unsupported("'%" + c + "'");
            }
            return literal(c);
        }

        private char next(String expected) {
            if (i >= lua.length()) {
                throw new IllegalArgumentException("Lua pattern '" + lua + "' ends where it needs " + expected);
            }
            return lua.charAt(i++);
        }

        private static String literal(char c) {
            return Character.isLetterOrDigit(c) ? String.valueOf(c) : String.format("\\x{%x}", (int) c);
        }

        private void unsupported(String what) {
            throw new IllegalArgumentException("Lua pattern '" + lua + "': " + what
                    + " not supported (only anchors, '.', classes, sets and the quantifiers * + - ?)");
        }
    }
}
