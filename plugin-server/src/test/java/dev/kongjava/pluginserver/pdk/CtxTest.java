package dev.kongjava.pluginserver.pdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kong.ctx.shared} values read as text, whichever way Kong packs them. */
class CtxTest {
    @Test
    void getStringReadsTextKongSendsAsStrOrBytesAndNullWhenAbsent() {
        List<String> calls = new ArrayList<>();
        Object[] answer = {"t-1"};
        Kong kong = Kong.over((method, args) -> {
            calls.add(method + " " + List.of(args));
            return answer[0];
        });

        assertEquals("t-1", kong.ctx().getString("request_tag"));
        answer[0] = "t-\u00e9".getBytes(StandardCharsets.UTF_8); // a bin value arrives as bytes
        assertEquals("t-\u00e9", kong.ctx().getString("request_tag"));
        answer[0] = null; // Kong sends a Step without Data for nil
        assertNull(kong.ctx().getString("request_tag"));
        assertEquals(
                List.of("kong.ctx.shared.get [request_tag]"),
                calls.stream().distinct().toList());
    }
}
