package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
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
	conn, job, tools := f.newConn(), newJobOptions(), &perfToolFlags{}
	cfg := bench.RelayConfig{}
	var asJSON bool
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
			c, err := jobConn(job, conn)
			if err != nil {
				return err
			}
			flinkURL, err := conn.FlinkAddress()
			if err != nil {
				return err
			}
			fc, err := flink.New(flinkURL)
			if err != nil {
				return flagErrorf(fmt.Errorf("--flink-url: %w", err))
			}
			if cfg.Java, cfg.KafkaClasspath, err = tools.resolve(); err != nil {
				return err
			}
			cfg.Conn, cfg.Flink = c, fc
			cfg.Job = conn.JobSpec(*job, c, pipeline.DefaultTopicOptions().Relay(), cfg.Partitions)
			if !job.Given("checkpoint-dir") {
				// The local default is per topic pair, and the benchmark's topics are made
				// fresh in each run: its checkpoints go to the cluster's directory.
				cfg.Job.CheckpointDir = ""
			}
			if err := cfg.Job.CheckConnection(); err != nil {
				return err // before filling topics for a relay that cannot run
			}
			res, err := bench.Relay(cmd.Context(), cfg, f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench relay: %w", err)
			}
			if asJSON {
				writeJSON(f.IO.Out, res)
				return nil
			}
			res.WriteText(f.IO.Out, cfg.Partitions)
			return nil
		},
	}
	conn.AddKafkaFlags(cmd.Flags())
	conn.AddFlinkFlag(cmd.Flags())
	job.AddFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.Int64Var(&cfg.Records, "records", 500_000, "events in the backlog")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of the benchmark topics, and the job's parallelism (needs that many free slots)")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "how long the relay may take over the backlog")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the benchmark topics")
	tools.add(fs)
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func newBenchProducerCmd(f *Factory) *cobra.Command {
	conn, tools := f.newConn(), &perfToolFlags{}
	cfg := bench.ProducerConfig{}
	var asJSON bool
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
			c, err := conn.KafkaConn()
			if err != nil {
				return usageOf(err)
			}
			if cfg.Java, cfg.KafkaClasspath, err = tools.resolve(); err != nil {
				return err
			}
			cfg.Conn = c
			res, err := bench.Producer(cmd.Context(), cfg, f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench producer: %w", err)
			}
			if asJSON {
				writeJSON(f.IO.Out, res)
				return nil
			}
			res.WriteText(f.IO.Out, cfg.Records, cfg.Rounds)
			return nil
		},
	}
	conn.AddKafkaFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.Int64Var(&cfg.Records, "records", 500_000, "records per run")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "runs of each producer, alternating")
	fs.IntVar(&cfg.RecordSize, "record-size", 0, "perf tool record size in bytes (default: the generator's mean event size)")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of each benchmark topic")
	fs.DurationVar(&cfg.Linger, "linger", 0, "linger for both producers (default 5ms)")
	fs.Int32Var(&cfg.BatchBytes, "batch-bytes", 0, "batch size for both producers (default 1 MiB)")
	tools.add(fs)
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

// perfToolFlags locate Kafka's own perf tools: a JDK and the local runtime's Kafka classpath.
type perfToolFlags struct{ runtimeDir, javaHome string }

func (p *perfToolFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&p.runtimeDir, "runtime-dir", local.DefaultRuntimeDir(), "directory with the Maven-built kafka/ classpath")
	fs.StringVar(&p.javaHome, "java-home", "", "JDK for Kafka's perf tool (default $JAVA_HOME, then java on PATH)")
}

// resolve returns the java binary and the Kafka classpath.
func (p *perfToolFlags) resolve() (java, classpath string, err error) {
	java, _, err = local.FindJava(p.javaHome)
	return java, filepath.Join(p.runtimeDir, "kafka", "*"), err
}

// startBenchStack starts the local stack in --home where it is not up, as run does, with
// slots for parallelism (bench compare and bench soak).
func startBenchStack(ctx context.Context, f *Factory, conn *pipeline.Connection, tools *perfToolFlags, parallelism int) error {
	lcfg := local.DefaultConfig()
	lcfg.Home, lcfg.RuntimeDir = conn.Home, tools.runtimeDir
	return bench.StartLocal(ctx, lcfg, parallelism, f.IO.ErrOut)
}

// benchClients are a bench's Kafka connection and Flink REST client, from its connection flags.
func benchClients(conn *pipeline.Connection) (kafkaconn.Conn, *flink.Client, error) {
	c, err := conn.KafkaConn()
	if err != nil {
		return kafkaconn.Conn{}, nil, usageOf(err)
	}
	fc, err := conn.FlinkClient()
	if err != nil {
		return kafkaconn.Conn{}, nil, usageOf(err)
	}
	return c, fc, nil
}
