package dev.kongjava.kafkaupstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormCodecTest {
    @Test
    void decodesLikeNginxDecodeArgs() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", "1");
        expected.put("b", List.of("2", "3"));
        expected.put("flag", true);
        expected.put("e", "");
        expected.put("sp ace", "x y");
        assertEquals(expected, FormCodec.decode("a=1&b=2&&b=3&flag&e=&=ignored&sp+ace=x%20y"));
    }

    @Test
    void invalidEscapesStayAsWrittenAndUtf8IsDecoded() {
        assertEquals(Map.of("p", "100%zz %"), FormCodec.decode("p=100%zz+%"));
        assertEquals(Map.of("é", "ü"), FormCodec.decode("%C3%A9=%C3%BC"));
        assertEquals(Map.of("emoji", "😀"), FormCodec.decode("emoji=😀"));
    }

    @Test
    void aFlagRepeatedWithValuesKeepsItsPlace() {
        assertEquals(Map.of("a", List.of(true, "1")), FormCodec.decode("a&a=1"));
        assertEquals(Map.of(), FormCodec.decode(""));
    }
}
