package dev.kongjava.pluginserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.testkit.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Kong's {@code match} attribute takes Lua patterns; StartInstance must agree with Lua on every value. */
class LuaPatternTest {
    private static final Path LUAJIT = Path.of("/usr/bin/luajit");
    private static final List<String> PATTERNS = List.of(
            "^[%w%._%-]+$",
            "^%[?[%w%.%-_:%%]+%]?$",
            "[,%s]",
            "^a.c$",
            "^%d+%.%d*$",
            "^[^,]*$",
            "x-y",
            "^ab?c+$",
            "^[]a]+$",
            "^[%a-]+$",
            "%$$",
            "a^b",
            "^%W*$",
            "^[a-c%-]+$",
            "^%u%l*$",
            "%p",
            "^%x+$",
            "^%S+$",
            "[%c]");
    private static final List<String> VALUES = List.of(
            "",
            "orders",
            "a/b",
            "..",
            "kafka-1.internal",
            "::1",
            "[::1]",
            "fe80::1%eth0",
            "a,b",
            "a b",
            "abc",
            "a\nc",
            "12.5",
            "12.",
            "é",
            "aé",
            "x-y",
            "xy",
            "xyy",
            "ac",
            "abcc",
            "]a]",
            "a-b",
            "$",
            "a^b",
            "Hello",
            "DEAD",
            "tab\there",
            "\u0001",
            "a]",
            "-");

    @Test
    void theTranslationAgreesWithLuaOnEveryListedPatternAndValue() throws Exception {
        assertEquals(expectedByLuajit(PATTERNS, VALUES), javaResults(PATTERNS, VALUES));
    }

    @Test
    void theTranslationAgreesWithLuaOnRandomValuesOfTheSchemasPatterns() throws Exception {
        Random random = new Random(20240613);
        String alphabet = "aZ09._-:%[],/ é\t\n";
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder v = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                v.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(v.toString());
        }
        List<String> patterns = PATTERNS.subList(0, 3);
        assertEquals(expectedByLuajit(patterns, values), javaResults(patterns, values));
    }

    @Test
    void aMatchIsFoundAnywhereUnlessAnchoredAsInLua() {
        assertEquals(true, LuaPattern.compile("[,%s]").matches("a,b"));
        assertEquals(false, LuaPattern.compile("^[%w]+$").matches("a,b"));
        // Lua counts bytes: one é is two bytes, so "^..$" matches it and "^.$" does not
        assertEquals(true, LuaPattern.compile("^..$").matches("é"));
        assertEquals(false, LuaPattern.compile("^.$").matches("é"));
    }

    @Test
    void patternItemsOutsideTheSubsetAreRefusedWhenDeclared() {
        assertEquals(
                "Lua pattern '^(a)$': captures not supported (only anchors, '.', classes, sets and the "
                        + "quantifiers * + - ?)",
                assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("^(a)$"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("%b()"));
        assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("%f[%w]"));
        assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("[abc"));
        assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("abc%"));
        assertThrows(IllegalArgumentException.class, () -> LuaPattern.compile("é"));
    }

    private static List<Boolean> javaResults(List<String> patterns, List<String> values) {
        List<Boolean> out = new ArrayList<>();
        for (String p : patterns) {
            LuaPattern pattern = LuaPattern.compile(p);
            values.forEach(v -> out.add(pattern.matches(v)));
        }
        return out;
    }

    /** Runs {@code value:match(pattern)} in LuaJIT (what Kong runs) for each pair, in order. */
    private static List<Boolean> expectedByLuajit(List<String> patterns, List<String> values) throws Exception {
        Prerequisites.require(
                "luajit",
                Files.isExecutable(LUAJIT),
                () -> "needs " + LUAJIT + " (apt-get install luajit2; .ci/run does)");
        StringBuilder script = new StringBuilder("local out = {}\n");
        for (String p : patterns) {
            for (String v : values) {
                script.append("out[#out + 1] = (")
                        .append(lua(v))
                        .append("):match(")
                        .append(lua(p))
                        .append(") and '1' or '0'\n");
            }
        }
        script.append("io.write(table.concat(out))\n");
        Process lua = new ProcessBuilder(LUAJIT.toString(), "-")
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = lua.getOutputStream()) {
            in.write(script.toString().getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        lua.getInputStream().transferTo(output);
        assertEquals(true, lua.waitFor(30, TimeUnit.SECONDS), "luajit did not finish");
        String bits = output.toString(StandardCharsets.UTF_8);
        assertEquals(patterns.size() * values.size(), bits.length(), bits);
        return bits.chars().mapToObj(c -> c == '1').toList();
    }

    /** A Lua string literal of the UTF-8 bytes of {@code s}. */
    private static String lua(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append('\\').append(b & 0xff);
        }
        return out.append('"').toString();
    }
}
