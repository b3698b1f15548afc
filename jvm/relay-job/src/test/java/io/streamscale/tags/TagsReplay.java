package io.streamscale.tags;

import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The Java side of the tag differential test (integration/tags_differential_integration_test.go):
 * runs a corpus through the complex job's {@link TagEvents} in Flink's keyed operator test
 * harness and prints every tag record it writes, one per line, as {@code <input line> <tag
 * record>} (the input line, from 0, whose processing wrote it).
 *
 * <p>Corpus lines: {@code event <JSON event>} (a device event; its fields as the job's parse step
 * reads them) or {@code watermark <ms>} (the job's watermark advances there; a watermark that
 * does not advance is not passed on, as Flink does not pass one on). processedAt is the fixed
 * {@link #NOW}. Usage: {@code TagsReplay <corpus file>}; a bad line is an error (exit 2).
 */
public final class TagsReplay {
    /** The processedAt of every tag: 2027-01-15T08:00:00.000Z. */
    public static final long NOW = 1_800_000_000_000L;

    private TagsReplay() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TagsReplay <corpus file>");
            System.exit(2);
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            replay(in, out);
        } catch (IllegalArgumentException e) {
            System.err.println("TagsReplay: " + e.getMessage());
            System.exit(2);
        }
        out.flush();
    }

    /** Runs the corpus in {@code in} through the harness, writing the tags to {@code out}. */
    static void replay(BufferedReader in, Writer out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed>(
                new KeyedProcessOperator<>(new TagEvents(() -> NOW)), e -> e.deviceId, Types.STRING)) {
            h.open();
            long watermark = Long.MIN_VALUE;
            String line;
            for (int n = 0; (line = in.readLine()) != null; n++) {
                int sp = line.indexOf(' ');
                String kind = sp < 0 ? line : line.substring(0, sp);
                String rest = sp < 0 ? "" : line.substring(sp + 1);
                switch (kind) {
                    case "event" -> {
                        DeviceEvent e = event(json.readTree(rest), n);
                        h.processElement(new StreamRecord<>(e, e.createdAtMillis));
                    }
                    case "watermark" -> {
                        long w = Long.parseLong(rest);
                        if (w > watermark) {
                            watermark = w;
                            h.processWatermark(w);
                        }
                    }
                    default -> throw new IllegalArgumentException("line " + n + ": want \"event <json>\" or \"watermark <ms>\", got " + line);
                }
                List<Relayed> tags = h.extractOutputValues();
                for (Relayed r : tags) {
                    out.write(n + " " + new String(r.value, StandardCharsets.UTF_8) + "\n");
                }
                h.getOutput().clear();
            }
        }
    }

    private static DeviceEvent event(JsonNode o, int n) {
        DeviceEvent e = new DeviceEvent();
        e.deviceId = text(o, "deviceId", n);
        e.eventId = text(o, "eventId", n);
        e.type = text(o, "type", n);
        e.createdAt = text(o, "createdAt", n);
        JsonNode v = o.get("value");
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("line " + n + ": no number value");
        }
        e.value = v.doubleValue();
        e.createdAtMillis = EventTime.parse(e.createdAt);
        if (e.createdAtMillis == EventTime.INVALID) {
            throw new IllegalArgumentException("line " + n + ": createdAt " + e.createdAt + " is not RFC 3339");
        }
        return e;
    }

    private static String text(JsonNode o, String name, int n) {
        JsonNode v = o.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("line " + n + ": no string " + name);
        }
        return v.textValue();
    }
}
