package dev.kongjava.testkit;

import dev.kongjava.testkit.luapeer.LuaPeer;
import java.util.Arrays;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine beyond a JDK (nginx with the Lua module, root, python3, a
 * Docker engine...), decided in one place. A missing prerequisite skips the test with its reason
 * ({@link SkipReport} lists the skips on the console). With {@code -Dkongjava.requireAll=true}, as
 * {@code .ci/run} sets, it fails the test instead, unless {@code -Dkongjava.allowedSkips} (names,
 * comma-separated) lists it: then a green CI proves that every other test ran.
 */
public final class Prerequisites {
    static final String REQUIRE_ALL = "kongjava.requireAll";
    static final String ALLOWED_SKIPS = "kongjava.allowedSkips";

    private Prerequisites() {}

    /**
     * Returns when {@code met}; otherwise skips the test, or fails it under {@code kongjava.requireAll}.
     *
     * @param name the prerequisite's short name, as {@code kongjava.allowedSkips} lists it (e.g. {@code docker})
     * @param reason what is missing and how to get it
     */
    public static void require(String name, boolean met, Supplier<String> reason) {
        if (met) {
            return;
        }
        if (!requireAll()) {
            throw new TestAbortedException(reason.get() + " [prerequisite " + name + "]");
        }
        if (allowed(name)) {
            throw new TestAbortedException(
                    reason.get() + " [prerequisite " + name + ", allowed to skip by -D" + ALLOWED_SKIPS + "]");
        }
        throw new AssertionError(reason.get() + " [prerequisite " + name + "; -D" + REQUIRE_ALL
                + "=true requires every test to run: install what is missing, or run without that flag to skip]");
    }

    /** The Kong-side Lua peer: nginx, its Lua and NDK modules, lua-messagepack, lua-cjson, lua-resty-core. */
    public static void requireLuaPeer() {
        require("lua-peer", LuaPeer.available(), LuaPeer::unavailableReason);
    }

    static boolean requireAll() {
        return Boolean.getBoolean(REQUIRE_ALL);
    }

    private static boolean allowed(String name) {
        return Arrays.stream(System.getProperty(ALLOWED_SKIPS, "").split(","))
                .map(String::strip)
                .anyMatch(name::equals);
    }
}
