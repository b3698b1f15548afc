package io.streamscale.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * Kafka client settings from a properties file ({@code --kafka-properties-file}), applied to the
 * relay's source and sink. The file holds secrets (SASL passwords, Event Hubs connection
 * strings), so errors name the file and the offending key, never a value.
 */
public final class KafkaClientProperties {
    private KafkaClientProperties() {}

    /** Keys the job sets itself from its own options; a file must not override them. */
    public static final Set<String> RESERVED = Set.of(
            "bootstrap.servers", "group.id", "key.deserializer", "value.deserializer", "key.serializer",
            "value.serializer");

    /** Loads the file; a null path gives empty properties. */
    public static Properties load(String path) {
        Properties p = new Properties();
        if (path == null) {
            return p;
        }
        try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("--kafka-properties-file " + path + ": cannot read it ("
                    + e.getClass().getSimpleName() + "); it must be readable where the Flink JobManager runs");
        }
        for (String key : p.stringPropertyNames()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("--kafka-properties-file " + path + ": " + key
                        + " is set by the job itself (use --bootstrap-servers, --group-id); remove it from the file");
            }
        }
        return p;
    }

    /** A copy of p, so that the source and the sink do not share (and mutate) one object. */
    public static Properties copy(Properties p) {
        Properties c = new Properties();
        c.putAll(p);
        return c;
    }
}
