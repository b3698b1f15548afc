package io.streamscale.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamscale.tags.ComplexJob;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java half of the Go→Java argument contract in {@code program-args.golden.json} (the Go
 * half: internal/relay/programargs_contract_test.go, which checks that Spec.ProgramArgs produces
 * each case's arguments): the job parses each case's arguments to exactly the listed
 * {@link RelayOptions} fields, or refuses them with the listed reason; the dedup-window default
 * and limit and the entry classes are the ones the CLI relies on.
 */
class ProgramArgsContractTest {
    private static JsonNode contract() throws Exception {
        try (InputStream in = ProgramArgsContractTest.class.getResourceAsStream("/program-args.golden.json")) {
            assertThat(in).as("program-args.golden.json on the test classpath").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : contract().get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c));
        }
        assertThat(out).isNotEmpty();
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theJobParsesWhatTheCliPasses(String name, JsonNode c) {
        List<String> args = new ArrayList<>();
        c.get("args").forEach(a -> args.add(a.asText()));
        String[] argv = args.toArray(new String[0]);
        String job = c.get("job").asText();
        if (c.has("refused")) {
            assertThatThrownBy(() -> parse(job, argv)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c.get("refused").asText());
            return;
        }
        Map<String, String> want = new LinkedHashMap<>();
        c.get("parsed").fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        assertThat(fields(parse(job, argv))).as("RelayOptions parsed from %s", args).containsExactlyInAnyOrderEntriesOf(want);
    }

    @Test
    void theDedupWindowDefaultAndLimitAreTheCliOnes() throws Exception {
        JsonNode d = contract().get("dedupWindow");
        assertThat(RelayOptions.DEFAULT_DEDUP_WINDOW).as("default --dedup-window").isEqualTo(d.get("default").asInt());
        assertThat(RelayOptions.MAX_DEDUP_WINDOW).as("largest --dedup-window").isEqualTo(d.get("max").asInt());
        // And the parser applies them.
        assertThat(RelayOptions.parse(new String[] {"--bootstrap-servers", "b"}).dedupWindow).isEqualTo(d.get("default").asInt());
        String max = d.get("max").asText();
        assertThat(RelayOptions.parse(new String[] {"--bootstrap-servers", "b", "--dedup-window", max}).dedupWindow)
                .isEqualTo(d.get("max").asInt());
        String above = String.valueOf(d.get("max").asLong() + 1);
        assertThatThrownBy(() -> RelayOptions.parse(new String[] {"--bootstrap-servers", "b", "--dedup-window", above}))
                .hasMessageContaining("--dedup-window must be between 0 and " + max);
    }

    @Test
    void theEntryClassesAreInTheJar() throws Exception {
        JsonNode classes = contract().get("entryClasses");
        assertThat(classes.size()).isEqualTo(2);
        for (JsonNode name : classes) {
            Method main = Class.forName(name.asText()).getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()))
                    .as("%s has public static main", name.asText()).isTrue();
        }
    }

    private static RelayOptions parse(String job, String[] args) {
        switch (job) {
            case "relay":
                return RelayOptions.parse(args);
            case "complex":
                return ComplexJob.options(args);
            default:
                throw new AssertionError("unknown job " + job + " in program-args.golden.json");
        }
    }

    /** Every public instance field of {@code o}, by name, as text (null stays null). */
    private static Map<String, String> fields(RelayOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Field f : RelayOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            try {
                Object v = f.get(o);
                m.put(f.getName(), v == null ? null : v instanceof RelayOptions.Guarantee g ? g.flag : String.valueOf(v));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return m;
    }
}
