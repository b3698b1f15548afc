package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
)

// RelayConfig says how to measure the relay job against Kafka's consumer performance tool.
type RelayConfig struct {
	// Conn reaches the broker; Flink runs the job.
	Conn  kafkaconn.Conn
	Flink *flink.Client
	// Job carries the jar, the brokers the job uses, the checkpoint interval and start
	// timeout; topics and parallelism are set per run.
	Job relay.Spec
	// Java and KafkaClasspath run org.apache.kafka.tools.ConsumerPerformance.
	Java, KafkaClasspath string
	// Records in the backlog both read (default 500,000).
	Records int64
	// Partitions of the benchmark topics and the job's parallelism (default 2).
	Partitions int32
	// Timeout bounds the relay's pass over the backlog (default 5m).
	Timeout time.Duration
	// Keep leaves the benchmark topics in place (default: deleted, they hold ~2 × Records KB).
	Keep bool
}

// RelayResult compares the relay's rate with the baseline's.
type RelayResult struct {
	// Guarantee and DedupWindow are how the relay ran (DedupWindow 0: no de-duplication).
	Guarantee   string      `json:"guarantee"`
	DedupWindow int         `json:"dedupWindow,omitempty"`
	Records     int64       `json:"records"`
	RecordSize  int         `json:"recordSize"`
	Relay       Measurement `json:"relay"`
	Kafka       Measurement `json:"kafkaConsumerPerf"`
	// Ratio is the relay's records/s over the consumer perf tool's: how close reading,
	// transforming and writing through Flink comes to only reading the same backlog.
	Ratio float64 `json:"ratio"`
	// Partitions of the benchmark topics (for the text; the JSON has never carried it).
	Partitions int32 `json:"-"`
}

func (c *RelayConfig) defaults() {
	if c.Records <= 0 {
		c.Records = 500_000
	}
	if c.Partitions <= 0 {
		c.Partitions = 2
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
}

// Relay fills a fresh input topic with Records events, reads it once with
// kafka-consumer-perf-test (the baseline), then lets the relay job copy it to a fresh output
// topic and measures the relay's rate from the output records' broker timestamps (first to
// last append), so the job's start-up is not counted.
func Relay(ctx context.Context, cfg RelayConfig, progress io.Writer) (RelayResult, error) {
	cfg.defaults()
	if progress == nil {
		progress = io.Discard
	}
	spec := cfg.Job
	if spec.Parallelism <= 0 {
		spec.Parallelism = int(cfg.Partitions)
	}
	// Before minutes of filling and reading: a relay that cannot get its slots would not run.
	if err := relay.CheckSlots(ctx, cfg.Flink, spec, progress); err != nil {
		return RelayResult{}, err
	}
	admin, err := cfg.Conn.NewClient()
	if err != nil {
		return RelayResult{}, err
	}
	defer admin.Close()
	adm := kadm.NewClient(admin)
	stamp := time.Now().Unix()
	in, out := fmt.Sprintf("bench-relay-%d-in", stamp), fmt.Sprintf("bench-relay-%d-out", stamp)
	dead := in + "-dead-letter"
	var created []string
	if !cfg.Keep {
		// Deletes what was created, also when a later create fails.
		defer func() { deleteTopics(ctx, admin, created...) }()
	}
	for _, t := range []string{in, out, dead} {
		if err := createTopic(ctx, admin, t, cfg.Partitions); err != nil {
			return RelayResult{}, err
		}
		created = append(created, t)
	}

	fmt.Fprintf(progress, "filling %q with %d events\n", in, cfg.Records)
	fill, err := runGenerator(ctx, ProducerConfig{Conn: cfg.Conn, Records: cfg.Records, Linger: 5 * time.Millisecond, BatchBytes: 1 << 20}, in)
	if err != nil {
		return RelayResult{}, err
	}
	res := RelayResult{Records: fill.Records, RecordSize: int(fill.MBPerSec * 1e6 / fill.RecordsPerSec),
		Guarantee: string(spec.Guarantee), DedupWindow: spec.DedupWindow, Partitions: cfg.Partitions}
	if res.Guarantee == "" {
		res.Guarantee = string(relay.AtLeastOnce)
	}

	fmt.Fprintln(progress, "reading it with kafka-consumer-perf-test")
	if res.Kafka, err = runConsumerPerf(ctx, cfg, in, fill.Records); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "kafka-consumer-perf-test %9.0f records/s  %6.1f MB/s\n", res.Kafka.RecordsPerSec, res.Kafka.MBPerSec)

	spec.InTopic, spec.OutTopic, spec.DeadLetterTopic = in, out, dead
	job, err := relay.Ensure(ctx, cfg.Flink, spec, progress)
	if err != nil {
		return res, err
	}
	defer cancelJob(ctx, cfg.Flink, job.JobID)
	if err := waitForRecords(ctx, adm, out, fill.Records, cfg.Timeout, progress); err != nil {
		return res, err
	}
	first, last, err := appendSpan(ctx, adm, out)
	if err != nil {
		return res, err
	}
	secs := last.Sub(first).Seconds()
	if secs <= 0 {
		return res, fmt.Errorf("output %q appended in under a millisecond: use more --records", out)
	}
	res.Relay = Measurement{Tool: "streamscale relay (Flink)", Records: fill.Records, RecordsPerSec: float64(fill.Records) / secs,
		MBPerSec: float64(fill.Records) * float64(res.RecordSize) / secs / 1e6}
	fmt.Fprintf(progress, "relay                    %9.0f records/s  %6.1f MB/s (input bytes)\n", res.Relay.RecordsPerSec, res.Relay.MBPerSec)
	if res.Kafka.RecordsPerSec > 0 {
		res.Ratio = res.Relay.RecordsPerSec / res.Kafka.RecordsPerSec
	}
	return res, nil
}

// waitForRecords polls topic's end offsets until they sum to want. Under exactly-once the end
// offsets also count one transaction marker per partition and checkpoint, a few dozen next to
// the backlog; the rate is taken from append times, which precede the commits, so it measures
// the relay's throughput, not its exactly-once latency.
func waitForRecords(ctx context.Context, adm *kadm.Client, topic string, want int64, timeout time.Duration, progress io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastReport := time.Now()
	for {
		ends, err := kafkaconn.EndOffsets(ctx, adm, topic)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("relay: %q not complete after %s", topic, timeout)
			}
			return err
		}
		var n int64
		for _, e := range ends {
			n += e
		}
		if n >= want {
			return nil
		}
		if time.Since(lastReport) >= 5*time.Second {
			fmt.Fprintf(progress, "relayed %d of %d\n", n, want)
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("relay: only %d of %d records in %q after %s (see the job in the Flink UI)", n, want, topic, timeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// appendSpan is the broker append time of the first and of the last record of topic, over
// all partitions (LogAppendTime topics: the broker's clock).
func appendSpan(ctx context.Context, adm *kadm.Client, topic string) (first, last time.Time, err error) {
	starts, err := adm.ListOffsetsAfterMilli(ctx, 0, topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return first, last, fmt.Errorf("first timestamps of %q: %w", topic, err)
	}
	maxes, err := adm.ListMaxTimestampOffsets(ctx, topic)
	if err == nil {
		err = maxes.Error()
	}
	if err != nil {
		return first, last, fmt.Errorf("last timestamps of %q: %w", topic, err)
	}
	starts.Each(func(o kadm.ListedOffset) {
		if t := time.UnixMilli(o.Timestamp); o.Timestamp >= 0 && (first.IsZero() || t.Before(first)) {
			first = t
		}
	})
	maxes.Each(func(o kadm.ListedOffset) {
		if t := time.UnixMilli(o.Timestamp); o.Timestamp >= 0 && t.After(last) {
			last = t
		}
	})
	if first.IsZero() || last.IsZero() {
		return first, last, fmt.Errorf("no record timestamps in %q", topic)
	}
	return first, last, nil
}

// runConsumerPerf reads records of topic with ConsumerPerformance and reports its fetch rate
// (which leaves out the consumer group's join time).
func runConsumerPerf(ctx context.Context, cfg RelayConfig, topic string, records int64) (Measurement, error) {
	// Security settings through a client config file (0600, removed after), as for the
	// producer perf tool.
	clientConfig, remove, err := cfg.Conn.WriteJavaClientConfig("")
	if err != nil {
		return Measurement{}, fmt.Errorf("kafka-consumer-perf-test: %w", err)
	}
	defer remove()
	args := []string{"-Xmx512m", "-cp", cfg.KafkaClasspath, "org.apache.kafka.tools.ConsumerPerformance",
		"--bootstrap-server", strings.Join(cfg.Conn.Brokers, ","), "--consumer.config", clientConfig, "--topic", topic,
		"--messages", strconv.FormatInt(records, 10), "--timeout", "60000"}
	cmd := exec.CommandContext(ctx, cfg.Java, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Measurement{}, fmt.Errorf("kafka-consumer-perf-test: %w: %s", err, lastLine(stderr.String()))
	}
	m, err := parseConsumerPerf(stdout.String())
	if err != nil {
		return Measurement{}, fmt.Errorf("kafka-consumer-perf-test: %w: %s", err, lastLine(stderr.String()))
	}
	return m, nil
}

// parseConsumerPerf reads ConsumerPerformance's output: a header line of comma-separated names
// and a line of values; it uses fetch.nMsg.sec and fetch.MB.sec.
func parseConsumerPerf(out string) (Measurement, error) {
	var header []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if header == nil {
			if len(fields) > 1 && fields[0] == "start.time" {
				header = fields
			}
			continue
		}
		if len(fields) != len(header) {
			continue
		}
		val := map[string]string{}
		for i, h := range header {
			val[h] = fields[i]
		}
		rate, err1 := strconv.ParseFloat(val["fetch.nMsg.sec"], 64)
		mb, err2 := strconv.ParseFloat(val["fetch.MB.sec"], 64)
		n, err3 := strconv.ParseInt(val["data.consumed.in.nMsg"], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return Measurement{}, fmt.Errorf("unexpected summary %q: %w", sc.Text(), err)
		}
		return Measurement{Tool: "kafka-consumer-perf-test", Records: n, RecordsPerSec: rate, MBPerSec: mb * 1.048576}, nil
	}
	return Measurement{}, errors.New("no summary line in its output")
}
