package io.streamscale.yarn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherArgsTest {
    @Test
    void parsesCommandAndOptions() {
        LauncherArgs a =
                LauncherArgs.parse(
                        new String[] {"start", "--slots", "2", "--name", "streamscale"});
        assertEquals("start", a.command);
        assertEquals(2, a.positiveInt("slots"));
        assertEquals("streamscale", a.required("name"));
        assertEquals("q", a.optional("queue", "q"));
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LauncherArgs.parse(new String[] {}));
        assertThrows(
                IllegalArgumentException.class, () -> LauncherArgs.parse(new String[] {"deploy"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LauncherArgs.parse(new String[] {"start", "--slot", "2"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LauncherArgs.parse(new String[] {"start", "--slots"}));
        LauncherArgs a = LauncherArgs.parse(new String[] {"start", "--slots", "0"});
        assertThrows(IllegalArgumentException.class, () -> a.positiveInt("slots"));
        assertThrows(IllegalArgumentException.class, () -> a.required("name"));
    }

    @Test
    void jsonEscapes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a", "x\"y\\z\n\u0001");
        m.put("b", null);
        assertEquals("{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"b\":\"\"}", Json.object(m));
    }
}
