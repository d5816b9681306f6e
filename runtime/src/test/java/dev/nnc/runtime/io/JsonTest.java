package dev.nnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesValuesWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001");
        m.put("n", 0.5);
        m.put("i", 3);
        m.put("b", true);
        m.put("z", null);
        m.put("nan", Double.NaN);
        m.put("shape", new int[] {2, 3});
        m.put("list", List.of(1L, "x"));
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":0.5,\"i\":3,\"b\":true,\"z\":null,"
                + "\"nan\":null,\"shape\":[2,3],\"list\":[1,\"x\"]}", Json.write(m));
    }

    @Test
    void prettyIndentsByTwo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of());
        assertEquals("{\n  \"a\": 1,\n  \"b\": []\n}", Json.pretty(m));
    }

    @Test
    void prettyPrintsAnArrayOfScalarsOnOneLineSoAMatrixShowsARowALine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", List.of("cat", "dog"));
        m.put("confusion", new long[][] {{5, 0}, {1, 4}});
        m.put("empty", List.of(List.of()));
        String text = Json.pretty(m);
        assertEquals("{\n  \"classes\": [\"cat\", \"dog\"],\n  \"confusion\": [\n    [5, 0],\n"
                + "    [1, 4]\n  ],\n  \"empty\": [\n    []\n  ]\n}", text);
        Map<String, Object> back = new LinkedHashMap<>();
        back.put("classes", List.of("cat", "dog"));
        back.put("confusion", List.of(List.of(5L, 0L), List.of(1L, 4L)));
        back.put("empty", List.of(List.of()));
        assertEquals(back, Json.parse(text));
    }

    @Test
    void parsesAllKinds() {
        Object v = Json.parse(
                " {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\t\"], \"b\": {}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, -2500.0, true, false, null, "é\t"));
        expected.put("b", Map.of());
        assertEquals(expected, v);
    }

    @Test
    void roundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("weird \"key\"\u2028", List.of(1.0E-7, 123456789012L, "\\"));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.pretty(m)));
    }

    @Test
    void malformedTextIsAnError() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "01", "\"abc", "tru",
                "{\"a\":1}x", "[1 2]", "{\"a\":1,\"a\":2}", "1.", "-", "\"\\x\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
        }
    }
}
