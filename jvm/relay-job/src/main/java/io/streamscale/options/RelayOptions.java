package io.streamscale.options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The program arguments of both jobs (the relay's; the complex job's defaults differ, see
 * {@code io.streamscale.tags.ComplexJob}), {@code --name value} pairs (unknown names are errors):
 *
 * <ul>
 *   <li>{@code --bootstrap-servers} (required) Kafka bootstrap servers; a host ending in
 *       {@code .servicebus.windows.net} (or another Azure cloud's {@code .servicebus.} domain)
 *       means Event Hubs, whose recommended client settings the job then applies
 *   <li>{@code --input-topic} (default {@code in})
 *   <li>{@code --output-topic} (default {@code out})
 *   <li>{@code --dead-letter-topic} (default {@code <input-topic>-dead-letter})
 *   <li>{@code --group-id} (default {@code streamscale-relay})
 *   <li>{@code --starting-offsets} {@code committed} (default; earliest when the group has no
 *       committed offset), {@code earliest} or {@code latest}
 *   <li>{@code --job-name} (default {@code streamscale-relay <in>-><out>})
 *   <li>{@code --kafka-properties-file} (optional) a Java properties file of Kafka client
 *       settings for both the source and the sink, e.g. {@code security.protocol},
 *       {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}: how
 *       secrets reach the job without appearing in its arguments (which Flink shows)
 *   <li>{@code --output-bootstrap-servers} (default {@code --bootstrap-servers}) where the output
 *       and dead-letter topics are, when they are on another cluster (on Azure: the second Event
 *       Hubs namespace)
 *   <li>{@code --output-kafka-properties-file} (default {@code --kafka-properties-file}) the
 *       output cluster's client settings, for the sink only
 *   <li>{@code --guarantee} {@code at-least-once} (default), {@code exactly-once} (transactional
 *       sink, exactly-once checkpoints; consumers of the output must read with
 *       {@code isolation.level=read_committed}, and see records only once a checkpoint has
 *       committed them; refused on Event Hubs, which has no Kafka transactions in its Standard
 *       tier) or {@code none} (no checkpoints; the source commits offsets itself with Kafka's
 *       auto-commit so a replacement job resumes near where this one stopped)
 *   <li>{@code --transactional-id-prefix} (exactly-once; default the job name with every run of
 *       characters outside {@code [A-Za-z0-9._-]} replaced by one {@code -}, e.g.
 *       {@code streamscale-relay-in-out}): must stay the same across restarts of a job and
 *       differ between jobs writing to the same brokers
 *   <li>{@code --transaction-timeout-ms} (exactly-once; default 600000): the sink producer's
 *       {@code transaction.timeout.ms}; must exceed the checkpoint interval plus the time a
 *       restart takes and stay within the broker's {@code transaction.max.timeout.ms}
 *       (default 900000)
 *   <li>{@code --checkpoint-interval-ms} (default 10000; not used with {@code none})
 *   <li>{@code --checkpoint-dir} (optional) URI of the checkpoint storage, e.g.
 *       {@code file:///var/flink/checkpoints}; default the cluster's. Checkpoints are always
 *       retained when the job is cancelled, so it can be resumed from its last one
 *   <li>{@code --restart-strategy} {@code exponential-delay} (default: 1 s backoff doubling up to
 *       60 s), {@code fixed-delay} or {@code none}
 *   <li>{@code --restart-attempts} (fixed-delay; default 10)
 *   <li>{@code --restart-delay-ms} (fixed-delay; default 1000)
 *   <li>{@code --dedup-window} (default {@value #DEFAULT_DEDUP_WINDOW}: off; at most
 *       {@value #MAX_DEDUP_WINDOW}) N &gt; 0 drops a record whose top-level string
 *       {@code eventId} is among the last N eventIds relayed for its top-level string
 *       {@code deviceId} (the sample's hidden de-duplication; records without both pass)
 *   <li>{@code --max-record-bytes} (default 1048000; 999000 on Event Hubs, at most 1000000
 *       there): the largest output or dead-letter record, key and headers included; a record
 *       whose spliced output would be larger is dead-lettered, a dead letter is cut to fit
 *   <li>{@code --buffer-timeout-ms} (default {@value #DEFAULT_BUFFER_TIMEOUT_MS}; 0 sends every
 *       record at once): how long a network buffer between two tasks may wait to fill before it
 *       is sent (Flink's {@code execution.buffer-timeout.interval}, 100 ms by default). Only the
 *       {@code --dedup-window} keyBy has such an exchange; the plain relay is one chain
 *   <li>{@code --linger-ms} (default {@value #DEFAULT_LINGER_MS}): the sink producer's
 *       {@code linger.ms}, how long a batch waits for more records before it is sent
 * </ul>
 */
public final class RelayOptions {
    /** What the job promises about each input record reaching the output. */
    public enum Guarantee {
        AT_LEAST_ONCE("at-least-once"),
        EXACTLY_ONCE("exactly-once"),
        NONE("none");

        /** The argument's spelling. */
        public final String flag;

        Guarantee(String flag) {
            this.flag = flag;
        }
    }

    /** The default record size limit on Kafka: 576 bytes below the producer's 1 MiB request. */
    public static final int KAFKA_MAX_RECORD_BYTES = 1_048_000;
    /** The default record size limit on Event Hubs: below its 1,000,000-byte request limit. */
    public static final int EVENT_HUBS_MAX_RECORD_BYTES = 999_000;
    /** Event Hubs' largest request Microsoft recommends (max.request.size). */
    public static final int EVENT_HUBS_MAX_REQUEST_BYTES = 1_000_000;
    /** The default --buffer-timeout-ms: low latency across the dedup keyBy at a small CPU cost. */
    public static final long DEFAULT_BUFFER_TIMEOUT_MS = 5;
    /**
     * The default --linger-ms of the sink producer: 0, as the Kafka client's default before 4.0
     * (now 5). Measured at 10k events/s: p50 pipeline latency 7 → 2 ms, the job's CPU per event
     * unchanged, the broker's ~15% higher (more, smaller produce requests).
     */
    public static final long DEFAULT_LINGER_MS = 0;
    /**
     * The default --dedup-window: 0, off. The CLI passes the argument only when it is on
     * (internal/relay Spec.ProgramArgs); program-args.golden.json pins that both agree.
     */
    public static final int DEFAULT_DEDUP_WINDOW = 0;
    /**
     * The largest --dedup-window: a device's window is one keyed-state value, read and written
     * whole per record. The CLI refuses more before submitting (internal/relay MaxDedupWindow,
     * the same number, pinned by program-args.golden.json).
     */
    public static final int MAX_DEDUP_WINDOW = 1_000_000;
    /** The smallest --max-record-bytes: room for a dead letter's own headers. */
    public static final int MIN_MAX_RECORD_BYTES = 4096;

    private static final Pattern TRANSACTIONAL_ID = Pattern.compile("[A-Za-z0-9._-]+");

    public final String bootstrapServers;
    public final String inputTopic;
    public final String outputTopic;
    public final String deadLetterTopic;
    public final String groupId;
    public final long checkpointIntervalMs;
    public final String startingOffsets;
    public final String jobName;
    /** The Kafka client properties file, or null. */
    public final String kafkaPropertiesFile;
    /** Whether the brokers are Azure Event Hubs (from the bootstrap servers). */
    public final boolean eventHubs;
    /** Where the output and dead-letter topics are: the bootstrap servers unless given. */
    public final String outputBootstrapServers;
    /** The output cluster's Kafka client properties file: the input's unless given; or null. */
    public final String outputKafkaPropertiesFile;
    /** Whether the output brokers are Azure Event Hubs. */
    public final boolean outputEventHubs;
    public final Guarantee guarantee;
    public final String transactionalIdPrefix;
    public final long transactionTimeoutMs;
    /** The checkpoint storage URI, or null for the cluster's. */
    public final String checkpointDir;
    /** {@code exponential-delay}, {@code fixed-delay} or {@code none}. */
    public final String restartStrategy;
    public final int restartAttempts;
    public final long restartDelayMs;
    public final int dedupWindow;
    public final int maxRecordBytes;
    public final long bufferTimeoutMs;
    public final long lingerMs;

    private RelayOptions(Map<String, String> a, String defaultName) {
        bootstrapServers = required(a, "bootstrap-servers");
        eventHubs = isEventHubs(bootstrapServers);
        inputTopic = a.getOrDefault("input-topic", "in");
        outputTopic = a.getOrDefault("output-topic", "out");
        deadLetterTopic = a.getOrDefault("dead-letter-topic", inputTopic + "-dead-letter");
        groupId = a.getOrDefault("group-id", defaultName);
        checkpointIntervalMs = positiveLong(a, "checkpoint-interval-ms", 10_000);
        startingOffsets = oneOf(a, "starting-offsets", "committed", "committed", "earliest", "latest");
        jobName = a.getOrDefault("job-name", defaultName + " " + inputTopic + "->" + outputTopic);
        kafkaPropertiesFile = a.get("kafka-properties-file");
        outputBootstrapServers = a.getOrDefault("output-bootstrap-servers", bootstrapServers);
        if (outputBootstrapServers.isBlank()) {
            throw new IllegalArgumentException("--output-bootstrap-servers is empty: leave it out to write to --bootstrap-servers");
        }
        outputEventHubs = isEventHubs(outputBootstrapServers);
        outputKafkaPropertiesFile = a.getOrDefault("output-kafka-properties-file", kafkaPropertiesFile);
        if (outputTopic.equals(inputTopic)) {
            throw new IllegalArgumentException("--output-topic must differ from --input-topic (" + inputTopic + ")");
        }
        if (deadLetterTopic.equals(outputTopic) || deadLetterTopic.equals(inputTopic)) {
            throw new IllegalArgumentException("--dead-letter-topic must differ from the input and output topics (" + deadLetterTopic + ")");
        }

        String g = oneOf(a, "guarantee", "at-least-once", "at-least-once", "exactly-once", "none");
        guarantee = g.equals("exactly-once") ? Guarantee.EXACTLY_ONCE : g.equals("none") ? Guarantee.NONE : Guarantee.AT_LEAST_ONCE;
        if (guarantee == Guarantee.EXACTLY_ONCE && (eventHubs || outputEventHubs)) {
            throw new IllegalArgumentException("--guarantee exactly-once: Event Hubs has no Kafka transactions (Standard tier);"
                    + " use --guarantee at-least-once (a record may then be written twice after a failure)");
        }
        transactionalIdPrefix = a.getOrDefault("transactional-id-prefix", jobName.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("--+", "-"));
        if (!TRANSACTIONAL_ID.matcher(transactionalIdPrefix).matches()) {
            throw new IllegalArgumentException("--transactional-id-prefix may only hold A-Z a-z 0-9 . _ -, not " + transactionalIdPrefix);
        }
        transactionTimeoutMs = positiveLong(a, "transaction-timeout-ms", 600_000);
        if (guarantee == Guarantee.EXACTLY_ONCE && transactionTimeoutMs <= checkpointIntervalMs) {
            throw new IllegalArgumentException("--transaction-timeout-ms " + transactionTimeoutMs + " must exceed --checkpoint-interval-ms "
                    + checkpointIntervalMs + " (a transaction stays open from one checkpoint to the next, plus a restart)");
        }
        checkpointDir = a.get("checkpoint-dir");
        if (checkpointDir != null && checkpointDir.isBlank()) {
            throw new IllegalArgumentException("--checkpoint-dir is empty: give a URI such as file:///path/to/checkpoints");
        }
        restartStrategy = oneOf(a, "restart-strategy", "exponential-delay", "exponential-delay", "fixed-delay", "none");
        restartAttempts = (int) positiveLong(a, "restart-attempts", 10, Integer.MAX_VALUE);
        restartDelayMs = nonNegativeLong(a, "restart-delay-ms", 1000, Long.MAX_VALUE);
        dedupWindow = (int) nonNegativeLong(a, "dedup-window", DEFAULT_DEDUP_WINDOW, MAX_DEDUP_WINDOW);
        int maxDefault = outputEventHubs ? EVENT_HUBS_MAX_RECORD_BYTES : KAFKA_MAX_RECORD_BYTES;
        maxRecordBytes = (int) positiveLong(a, "max-record-bytes", maxDefault, Integer.MAX_VALUE - 1);
        if (outputEventHubs && maxRecordBytes > EVENT_HUBS_MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("--max-record-bytes " + maxRecordBytes + " is above what Event Hubs takes ("
                    + EVENT_HUBS_MAX_REQUEST_BYTES + " bytes per request); use at most that, or leave the default " + maxDefault);
        }
        bufferTimeoutMs = nonNegativeLong(a, "buffer-timeout-ms", DEFAULT_BUFFER_TIMEOUT_MS, 60_000);
        lingerMs = nonNegativeLong(a, "linger-ms", DEFAULT_LINGER_MS, 60_000);
        if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("--max-record-bytes must be at least " + MIN_MAX_RECORD_BYTES
                    + " (room for a dead letter's headers), not " + maxRecordBytes);
        }
    }

    /** Parses {@code --name value} pairs; unknown names and missing values are errors. */
    public static RelayOptions parse(String[] args) {
        return parse(args, "streamscale-relay");
    }

    /**
     * {@link #parse(String[])} for a job whose default {@code --group-id} is {@code defaultName}
     * and default {@code --job-name} is {@code defaultName <in>-><out>} (the complex job's are
     * {@code streamscale-complex}).
     */
    public static RelayOptions parse(String[] args, String defaultName) {
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
        return new RelayOptions(a, defaultName);
    }

    private static final List<String> KNOWN = List.of(
            "bootstrap-servers", "input-topic", "output-topic", "dead-letter-topic", "group-id",
            "checkpoint-interval-ms", "starting-offsets", "job-name", "kafka-properties-file", "guarantee",
            "transactional-id-prefix", "transaction-timeout-ms", "checkpoint-dir", "restart-strategy",
            "restart-attempts", "restart-delay-ms", "dedup-window", "max-record-bytes", "buffer-timeout-ms",
            "linger-ms", "output-bootstrap-servers", "output-kafka-properties-file");

    /** Whether any bootstrap server is an Azure Event Hubs namespace. */
    public static boolean isEventHubs(String bootstrapServers) {
        for (String server : bootstrapServers.split(",")) {
            String host = server.trim().toLowerCase(Locale.ROOT);
            int colon = host.lastIndexOf(':');
            if (colon > 0) {
                host = host.substring(0, colon);
            }
            if (host.endsWith(".servicebus.windows.net") || host.contains(".servicebus.")) {
                return true;
            }
        }
        return false;
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static String oneOf(Map<String, String> a, String name, String def, String... allowed) {
        String v = a.getOrDefault(name, def);
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("--" + name + " must be " + String.join(", ", allowed) + "; not " + v);
        }
        return v;
    }

    private static long positiveLong(Map<String, String> a, String name, long def) {
        return positiveLong(a, name, def, Long.MAX_VALUE);
    }

    private static long positiveLong(Map<String, String> a, String name, long def, long max) {
        long n = nonNegativeLong(a, name, def, max);
        if (n == 0) {
            throw new IllegalArgumentException("--" + name + " must be a positive integer, not 0");
        }
        return n;
    }

    private static long nonNegativeLong(Map<String, String> a, String name, long def, long max) {
        String v = a.get(name);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, not " + v);
        }
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("--" + name + " must be between 0 and " + max + ", not " + v);
        }
        return n;
    }
}
