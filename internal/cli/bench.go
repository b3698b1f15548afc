package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func newBenchCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure streamscale against the broker's ceiling, a plain Go relay and the sample's job in the same run",
	}
	compare := newBenchCompareCmd(f)
	cmd.AddCommand(newBenchProducerCmd(f), newBenchRelayCmd(f), compare, newBenchGoRelayCmd(f), newBenchSoakCmd(f), newBenchFailoverCmd(f))
	// `streamscale bench` alone runs the comparison, with its flags.
	cmd.Flags().AddFlagSet(compare.Flags())
	cmd.Args, cmd.RunE = compare.Args, compare.RunE
	return cmd
}

func newBenchRelayCmd(f *Factory) *cobra.Command {
	conn, job, tools := f.newConn(), pipeline.DefaultJobOptions(), &bench.Tools{}
	cfg, asJSON := bench.RelayConfig{}, false
	cmd := &cobra.Command{
		Use:   "relay",
		Short: "Compare the relay job's throughput with kafka-consumer-perf-test on the same backlog",
		Long: `Fill a fresh input topic with --records events, read it once with Kafka's own consumer
performance tool (org.apache.kafka.tools.ConsumerPerformance, from the local runtime's Kafka
jars) as the baseline, then run the relay job over it into a fresh output topic and measure
its rate from the output records' broker timestamps (first to last append, so the job's start
is not counted). Prints both rates and their ratio; the relay reads, transforms and writes
with acks, the baseline only reads, so the ratio says how much of the broker's read speed
survives the trip through Flink. --guarantee, --dedup and the checkpoint flags set up the relay
as for run, to compare their costs. The job is cancelled and the topics deleted afterwards
(--keep leaves the topics).`,
		Example: `  streamscale bench relay
  streamscale bench relay --records 2000000 --partitions 4 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := bench.NewTarget(conn, *job, tools, cfg.Partitions, true)
			if err != nil {
				return usageOf(err)
			}
			cfg.Conn, cfg.Flink, cfg.Job, cfg.Java, cfg.KafkaClasspath = t.Conn, t.Flink, t.Job, t.Java, t.KafkaClasspath
			res, err := bench.Relay(cmd.Context(), cfg, f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench relay: %w", err)
			}
			return writeResult(f.IO.Out, asJSON, res)
		},
	}
	fs := cmd.Flags()
	conn.AddKafkaFlags(fs)
	conn.AddFlinkFlag(fs)
	job.AddFlags(fs)
	fs.Int64Var(&cfg.Records, "records", 500_000, "events in the backlog")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of the benchmark topics, and the job's parallelism (needs that many free slots)")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "how long the relay may take over the backlog")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the benchmark topics")
	tools.AddFlags(fs)
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func newBenchProducerCmd(f *Factory) *cobra.Command {
	conn, tools := f.newConn(), &bench.Tools{}
	cfg, asJSON := bench.ProducerConfig{}, false
	cmd := &cobra.Command{
		Use:   "producer",
		Short: "Compare the generator's full speed with kafka-producer-perf-test",
		Long: `Run the generator at full speed (--unlimited) and Kafka's own producer performance tool
(org.apache.kafka.tools.ProducerPerformance, from the local runtime's Kafka jars) against the
same broker, alternating for --rounds rounds with the same record size, acks=all, linger and
batch size, each into a fresh topic (deleted afterwards). Prints the median rate of each and their ratio; the ratio
is the figure to compare across machines.`,
		Example: `  streamscale bench producer
  streamscale bench producer --records 1000000 --rounds 3 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Conn, err = conn.KafkaConn(); err != nil {
				return usageOf(err)
			}
			if cfg.Java, cfg.KafkaClasspath, err = tools.Resolve(); err != nil {
				return err
			}
			res, err := bench.Producer(cmd.Context(), cfg, f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench producer: %w", err)
			}
			return writeResult(f.IO.Out, asJSON, res)
		},
	}
	fs := cmd.Flags()
	conn.AddKafkaFlags(fs)
	fs.Int64Var(&cfg.Records, "records", 500_000, "records per run")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "runs of each producer, alternating")
	fs.IntVar(&cfg.RecordSize, "record-size", 0, "perf tool record size in bytes (default: the generator's mean event size)")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of each benchmark topic")
	fs.DurationVar(&cfg.Linger, "linger", 0, "linger for both producers (default 5ms)")
	fs.Int32Var(&cfg.BatchBytes, "batch-bytes", 0, "batch size for both producers (default 1 MiB)")
	tools.AddFlags(fs)
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

// textResult is a domain result that prints itself for people.
type textResult interface{ WriteText(io.Writer) error }

// writeResult prints res as indented JSON with asJSON, else as its text.
func writeResult(w io.Writer, asJSON bool, res textResult) error {
	if asJSON {
		writeJSON(w, res)
		return nil
	}
	return res.WriteText(w)
}
