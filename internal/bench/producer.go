// Package bench measures streamscale against a named baseline in the same run: the generator
// against Kafka's own producer performance tool, so that the result is a ratio that survives
// a shared, noisy machine.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// ProducerConfig says how to compare the generator with kafka-producer-perf-test.
type ProducerConfig struct {
	// Conn reaches the broker both producers write to.
	Conn kafkaconn.Conn
	// Java and KafkaClasspath run org.apache.kafka.tools.ProducerPerformance.
	Java, KafkaClasspath string
	// Records per measurement (default 500,000).
	Records int64
	// Rounds alternates the two producers this many times each (default 2); the median
	// rate of each is reported.
	Rounds int
	// RecordSize for the perf tool, bytes; 0 uses the generator's mean event size.
	RecordSize int
	// Partitions of the benchmark topics (default 2).
	Partitions int32
	// Linger and BatchBytes apply to both producers (defaults 5 ms and 1 MiB); both use
	// acks=all with idempotence, each tool's default.
	Linger     time.Duration
	BatchBytes int32
	// Throughput caps the perf tool's rate in records/s (0: as fast as it can).
	Throughput float64
}

// Measurement is one producer run.
type Measurement struct {
	Tool          string  `json:"tool"`
	Records       int64   `json:"records"`
	RecordsPerSec float64 `json:"recordsPerSec"`
	MBPerSec      float64 `json:"mbPerSec"`
	AvgLatencyMs  float64 `json:"avgLatencyMs"`
	P99LatencyMs  float64 `json:"p99LatencyMs"`
	// P50LatencyMs, P999LatencyMs and MaxLatencyMs are the perf tool's other percentiles.
	P50LatencyMs  float64 `json:"p50LatencyMs,omitempty"`
	P999LatencyMs float64 `json:"p999LatencyMs,omitempty"`
	MaxLatencyMs  float64 `json:"maxLatencyMs,omitempty"`
}

// ProducerResult compares the two.
type ProducerResult struct {
	RecordSize   int           `json:"recordSize"`
	Measurements []Measurement `json:"measurements"`
	Generator    float64       `json:"generatorRecordsPerSec"`
	Kafka        float64       `json:"kafkaPerfRecordsPerSec"`
	// Ratio is the generator's median rate over the perf tool's median rate.
	Ratio float64 `json:"ratio"`
	// Records per run and Rounds, for the text (the JSON has never carried them).
	Records int64 `json:"-"`
	Rounds  int   `json:"-"`
}

func (c *ProducerConfig) defaults() {
	if c.Records <= 0 {
		c.Records = 500_000
	}
	if c.Rounds <= 0 {
		c.Rounds = 2
	}
	if c.Partitions <= 0 {
		c.Partitions = 2
	}
	if c.Linger <= 0 {
		c.Linger = 5 * time.Millisecond
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = 1 << 20
	}
}

// Producer runs both producers Rounds times, alternating, each into its own fresh topic.
func Producer(ctx context.Context, cfg ProducerConfig, progress io.Writer) (ProducerResult, error) {
	cfg.defaults()
	if progress == nil {
		progress = io.Discard
	}
	admin, err := cfg.Conn.NewClient()
	if err != nil {
		return ProducerResult{}, err
	}
	defer admin.Close()
	var topics []string
	defer func() { deleteTopics(ctx, admin, topics...) }() // each holds Records × ~1 KB
	res := ProducerResult{RecordSize: cfg.RecordSize, Records: cfg.Records, Rounds: cfg.Rounds}
	var gen, kafka []float64
	for round := range cfg.Rounds {
		topic := fmt.Sprintf("bench-generator-%d-%d", time.Now().Unix(), round)
		topics = append(topics, topic)
		if err := createTopic(ctx, admin, topic, cfg.Partitions); err != nil {
			return res, err
		}
		m, err := runGenerator(ctx, cfg, topic)
		if err != nil {
			return res, err
		}
		if res.RecordSize == 0 {
			res.RecordSize = int(m.MBPerSec * 1e6 / m.RecordsPerSec)
		}
		fmt.Fprintf(progress, "round %d  streamscale generate     %9.0f records/s  %6.1f MB/s\n", round+1, m.RecordsPerSec, m.MBPerSec)
		res.Measurements = append(res.Measurements, m)
		gen = append(gen, m.RecordsPerSec)

		topic = fmt.Sprintf("bench-kafka-perf-%d-%d", time.Now().Unix(), round)
		topics = append(topics, topic)
		if err := createTopic(ctx, admin, topic, cfg.Partitions); err != nil {
			return res, err
		}
		size := cfg.RecordSize
		if size == 0 {
			size = res.RecordSize
		}
		k, err := runKafkaPerf(ctx, cfg, topic, size)
		if err != nil {
			return res, err
		}
		fmt.Fprintf(progress, "round %d  kafka-producer-perf-test %9.0f records/s  %6.1f MB/s\n", round+1, k.RecordsPerSec, k.MBPerSec)
		res.Measurements = append(res.Measurements, k)
		kafka = append(kafka, k.RecordsPerSec)
	}
	res.Generator, res.Kafka = median(gen), median(kafka)
	if res.Kafka > 0 {
		res.Ratio = res.Generator / res.Kafka
	}
	return res, nil
}

func createTopic(ctx context.Context, cl *kgo.Client, topic string, partitions int32) error {
	_, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{{Name: topic, Partitions: partitions, Configs: kafkaconn.LogAppendTime()}})
	return err
}

// deleteTopics removes the benchmark's topics, even after a cancelled run.
func deleteTopics(ctx context.Context, cl *kgo.Client, topics ...string) {
	if len(topics) == 0 {
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = kadm.NewClient(cl).DeleteTopics(dctx, topics...)
}

// batchBytes is cfg's batch size, held to Event Hubs' limit there (its 1,000,000-byte requests
// would refuse the 1 MiB default).
func (c ProducerConfig) batchBytes() int32 {
	if c.Conn.EventHubs && c.BatchBytes > kafkaconn.EventHubsMaxBatchBytes {
		return kafkaconn.EventHubsMaxBatchBytes
	}
	return c.BatchBytes
}

func runGenerator(ctx context.Context, cfg ProducerConfig, topic string) (Measurement, error) {
	// No compression on either side (franz-go would otherwise default to snappy).
	cl, err := cfg.Conn.NewClient(kgo.ProducerLinger(cfg.Linger), kgo.ProducerBatchMaxBytes(cfg.batchBytes()),
		kgo.MaxBufferedRecords(1<<16), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		return Measurement{}, err
	}
	defer cl.Close()
	g := generate.DefaultConfig()
	g.Topic, g.Unlimited, g.Count, g.DuplicateFraction, g.Seed = topic, true, cfg.Records, 0, 1
	start := time.Now()
	sum, err := generate.Run(ctx, cl, g, nil)
	if err != nil {
		return Measurement{}, fmt.Errorf("generator: %w", err)
	}
	// Count until the last ack (Run's elapsed stops at the last send).
	secs := time.Since(start).Seconds()
	return Measurement{
		Tool: "streamscale generate", Records: sum.Records, RecordsPerSec: float64(sum.Records) / secs,
		MBPerSec: float64(sum.Bytes) / secs / 1e6, P99LatencyMs: sum.ProduceLatencyMs.P99,
	}, nil
}

// perfSummary matches ProducerPerformance's final line, e.g. "500000 records sent,
// 61012.812691 records/sec (55.32 MB/sec), 318.14 ms avg latency, 746.00 ms max latency,
// 312 ms 50th, 610 ms 95th, 703 ms 99th, 744 ms 99.9th."
var perfSummary = regexp.MustCompile(`^(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th.*?(\d+) ms 99th, (\d+) ms 99.9th`)

func runKafkaPerf(ctx context.Context, cfg ProducerConfig, topic string, recordSize int) (Measurement, error) {
	// Connection and security settings go through a client config file (0600, removed after
	// the run): it may hold a SASL password, which must not appear on a command line.
	clientConfig, remove, err := cfg.Conn.WriteJavaClientConfig("")
	if err != nil {
		return Measurement{}, fmt.Errorf("kafka-producer-perf-test: %w", err)
	}
	defer remove()
	props := []string{
		"acks=all",
		"linger.ms=" + strconv.FormatInt(cfg.Linger.Milliseconds(), 10),
		"batch.size=" + strconv.Itoa(int(cfg.batchBytes())),
		"compression.type=none",
	}
	args := append([]string{"-Xmx512m", "-cp", cfg.KafkaClasspath, "org.apache.kafka.tools.ProducerPerformance",
		"--topic", topic, "--num-records", strconv.FormatInt(cfg.Records, 10),
		"--record-size", strconv.Itoa(recordSize), "--throughput", throughputArg(cfg.Throughput), "--producer.config", clientConfig, "--producer-props"}, props...)
	cmd := exec.CommandContext(ctx, cfg.Java, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Measurement{}, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return Measurement{}, fmt.Errorf("start kafka-producer-perf-test: %w", err)
	}
	var last []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := perfSummary.FindStringSubmatch(sc.Text()); m != nil {
			last = m
		}
	}
	if err := cmd.Wait(); err != nil {
		return Measurement{}, fmt.Errorf("kafka-producer-perf-test: %w: %s", err, lastLine(stderr.String()))
	}
	if last == nil {
		return Measurement{}, fmt.Errorf("kafka-producer-perf-test printed no summary line: %s", lastLine(stderr.String()))
	}
	n, _ := strconv.ParseInt(last[1], 10, 64)
	rate, _ := strconv.ParseFloat(last[2], 64)
	mb, _ := strconv.ParseFloat(last[3], 64)
	avg, _ := strconv.ParseFloat(last[4], 64)
	maxMs, _ := strconv.ParseFloat(last[5], 64)
	p50, _ := strconv.ParseFloat(last[6], 64)
	p99, _ := strconv.ParseFloat(last[7], 64)
	p999, _ := strconv.ParseFloat(last[8], 64)
	return Measurement{Tool: "kafka-producer-perf-test", Records: n, RecordsPerSec: rate, MBPerSec: mb * 1.048576, AvgLatencyMs: avg,
		P50LatencyMs: p50, P99LatencyMs: p99, P999LatencyMs: p999, MaxLatencyMs: maxMs}, nil
}

// throughputArg is ProducerPerformance's --throughput: -1 for no limit.
func throughputArg(perSec float64) string {
	if perSec <= 0 {
		return "-1"
	}
	return strconv.FormatFloat(perSec, 'f', 0, 64)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
