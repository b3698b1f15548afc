package io.streamscale.relay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The relay job's program arguments, {@code --name value} pairs:
 *
 * <ul>
 *   <li>{@code --bootstrap-servers} (required) Kafka bootstrap servers
 *   <li>{@code --input-topic} (default {@code in})
 *   <li>{@code --output-topic} (default {@code out})
 *   <li>{@code --dead-letter-topic} (default {@code <input-topic>-dead-letter})
 *   <li>{@code --group-id} (default {@code streamscale-relay})
 *   <li>{@code --checkpoint-interval-ms} (default 10000)
 *   <li>{@code --starting-offsets} {@code committed} (default; earliest when the group has no
 *       committed offset), {@code earliest} or {@code latest}
 *   <li>{@code --job-name} (default {@code streamscale-relay <in>-><out>})
 *   <li>{@code --kafka-properties-file} (optional) a Java properties file of Kafka client
 *       settings for both the source and the sink, e.g. {@code security.protocol},
 *       {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}: how
 *       secrets reach the job without appearing in its arguments (which Flink shows)
 * </ul>
 */
public final class RelayOptions {
    final String bootstrapServers;
    final String inputTopic;
    final String outputTopic;
    final String deadLetterTopic;
    final String groupId;
    final long checkpointIntervalMs;
    final String startingOffsets;
    final String jobName;
    /** The Kafka client properties file, or null. */
    final String kafkaPropertiesFile;

    private RelayOptions(Map<String, String> a) {
        bootstrapServers = required(a, "bootstrap-servers");
        inputTopic = a.getOrDefault("input-topic", "in");
        outputTopic = a.getOrDefault("output-topic", "out");
        deadLetterTopic = a.getOrDefault("dead-letter-topic", inputTopic + "-dead-letter");
        groupId = a.getOrDefault("group-id", "streamscale-relay");
        checkpointIntervalMs = positiveLong(a, "checkpoint-interval-ms", 10_000);
        startingOffsets = a.getOrDefault("starting-offsets", "committed");
        if (!startingOffsets.equals("committed") && !startingOffsets.equals("earliest") && !startingOffsets.equals("latest")) {
            throw new IllegalArgumentException("--starting-offsets must be committed, earliest or latest, not " + startingOffsets);
        }
        jobName = a.getOrDefault("job-name", "streamscale-relay " + inputTopic + "->" + outputTopic);
        kafkaPropertiesFile = a.get("kafka-properties-file");
        if (outputTopic.equals(inputTopic)) {
            throw new IllegalArgumentException("--output-topic must differ from --input-topic (" + inputTopic + ")");
        }
    }

    /** Parses {@code --name value} pairs; unknown names and missing values are errors. */
    public static RelayOptions parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument " + arg + ": expected --name value");
            }
            String name = arg.substring(2);
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + "; known: " + KNOWN);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            a.put(name, args[++i]);
        }
        return new RelayOptions(a);
    }

    private static final java.util.List<String> KNOWN = java.util.List.of(
            "bootstrap-servers", "input-topic", "output-topic", "dead-letter-topic", "group-id",
            "checkpoint-interval-ms", "starting-offsets", "job-name", "kafka-properties-file");

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static long positiveLong(Map<String, String> a, String name, long def) {
        String v = a.get(name);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a positive integer, not " + v);
        }
    }
}
