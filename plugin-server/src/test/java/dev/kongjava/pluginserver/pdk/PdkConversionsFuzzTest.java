package dev.kongjava.pluginserver.pdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kongjava.pluginserver.FuzzValues;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whatever Kong sends as a Step's {@code Data}, every typed PDK method converts it without an
 * exception: Kong's answer types vary by version (str or bin bodies, wrapped or bare header values,
 * a missing Data for nil), and a plugin must see a value or null, never a ClassCastException.
 */
class PdkConversionsFuzzTest {
    private static final List<Method> METHODS = pdkMethods();

    @FuzzTest(maxDuration = "5m")
    void everyTypedPdkMethodConvertsAnyStepDataWithoutThrowing(FuzzedDataProvider data) throws Exception {
        Object answer = FuzzValues.value(data, 3);
        Kong kong = Kong.over((method, args) -> answer);
        for (Method method : METHODS) {
            Object module = Kong.class.getMethod(moduleOf(method)).invoke(kong);
            try {
                method.invoke(module, arguments(method));
            } catch (InvocationTargetException e) {
                fail(
                        method.getDeclaringClass().getSimpleName() + "." + method.getName() + " threw on Step data "
                                + describe(answer),
                        e.getCause());
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void rawBodiesArriveByteForByteWhetherKongSendsBinOrStr(FuzzedDataProvider data) {
        byte[] body = data.consumeRemainingAsBytes();
        Kong bin = Kong.over((method, args) -> body);
        assertArrayEquals(body, bin.request().getRawBody());
        String text = new String(body, StandardCharsets.UTF_8);
        Kong str = Kong.over((method, args) -> text);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), str.request().getRawBody());
    }

    @FuzzTest(maxDuration = "5m")
    void headerMapsLowerCaseEveryNameAndKeepEveryStringValue(FuzzedDataProvider data) {
        Object answer = FuzzValues.value(data, 3);
        MultiMap headers = Kong.over((method, args) -> answer).request().getHeaders();
        if (!(answer instanceof Map<?, ?> map)) {
            assertEquals(0, headers.size());
            return;
        }
        for (String name : headers.names()) {
            assertEquals(name.toLowerCase(Locale.ROOT), name);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> kept = headers.all(e.getKey().toString());
            List<?> values =
                    e.getValue() instanceof List<?> list ? list : java.util.Collections.singletonList(e.getValue());
            for (Object value : values) {
                if (value instanceof String text) {
                    assertTrue(kept.contains(text), e.getKey() + " lost " + text);
                }
            }
        }
    }

    @Test
    void aNilInsideAHeaderValueListIsNoValue() {
        MultiMap headers = MultiMap.fromKong(
                Map.of("X-A", Arrays.asList("1", null, "2"), "x-b", Arrays.asList((Object) null)), true);
        assertEquals(List.of("1", "2"), headers.all("x-a"));
        assertEquals(List.of(), headers.all("x-b"));
        assertTrue(headers.contains("x-b"));
    }

    /** Public instance methods of the module classes reachable from {@link Kong}, in a fixed order. */
    private static List<Method> pdkMethods() {
        List<Method> methods = new ArrayList<>();
        for (Method accessor : Kong.class.getDeclaredMethods()) {
            if (accessor.getParameterCount() == 0
                    && Modifier.isPublic(accessor.getModifiers())
                    && !Modifier.isStatic(accessor.getModifiers())) {
                for (Method m : accessor.getReturnType().getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                        methods.add(m);
                    }
                }
            }
        }
        methods.sort(Comparator.comparing(Method::toGenericString));
        return List.copyOf(methods);
    }

    private static String moduleOf(Method method) {
        for (Method accessor : Kong.class.getDeclaredMethods()) {
            if (accessor.getParameterCount() == 0 && accessor.getReturnType() == method.getDeclaringClass()) {
                return accessor.getName();
            }
        }
        throw new IllegalStateException("no accessor for " + method);
    }

    /** Plausible arguments, so that only the conversion of Kong's answer is under test. */
    private static Object[] arguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            args[i] = t == String.class
                    ? "x-name"
                    : t == int.class || t == Integer.class
                            ? 200
                            : t == long.class || t == Long.class
                                    ? 1L
                                    : t == boolean.class || t == Boolean.class
                                            ? true
                                            : t == double.class || t == Double.class
                                                    ? 1.0
                                                    : t == byte[].class
                                                            ? new byte[] {1}
                                                            : t == Object[].class
                                                                    ? new Object[] {"a"}
                                                                    : t == Map.class
                                                                            ? Map.of("X-A", "b")
                                                                            : t == List.class
                                                                                    ? List.of("a")
                                                                                    : t == Object.class
                                                                                            ? "value"
                                                                                            : null;
        }
        return args;
    }

    private static String describe(Object value) {
        return value instanceof byte[] bytes
                ? "bin of " + bytes.length + " bytes"
                : value == null ? "nil" : value.getClass().getSimpleName() + " " + value;
    }
}
