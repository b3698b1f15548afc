package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/local"
)

func newBenchCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure streamscale against Kafka's own tools in the same run",
	}
	cmd.AddCommand(newBenchProducerCmd(f))
	return cmd
}

func newBenchProducerCmd(f *Factory) *cobra.Command {
	conn := newConnFlags(f)
	cfg := bench.ProducerConfig{}
	var runtimeDir, javaHome string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "producer",
		Short: "Compare the generator's full speed with kafka-producer-perf-test",
		Long: `Run the generator at full speed (--unlimited) and Kafka's own producer performance tool
(org.apache.kafka.tools.ProducerPerformance, from the local runtime's Kafka jars) against the
same broker, alternating for --rounds rounds with the same record size, acks=all, linger and
batch size, each into a fresh topic. Prints the median rate of each and their ratio; the ratio
is the figure to compare across machines.`,
		Example: `  streamscale bench producer
  streamscale bench producer --records 1000000 --rounds 3 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.conn()
			if err != nil {
				return err
			}
			java, _, err := local.FindJava(javaHome)
			if err != nil {
				return err
			}
			cfg.Conn, cfg.Java, cfg.KafkaClasspath = c, java, filepath.Join(runtimeDir, "kafka", "*")
			res, err := bench.Producer(cmd.Context(), cfg, f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench producer: %w", err)
			}
			if asJSON {
				writeJSON(f.IO.Out, res)
				return nil
			}
			fmt.Fprintf(f.IO.Out, "record size %d B, %d records per run, median of %d rounds\n", res.RecordSize, cfg.Records, cfg.Rounds)
			fmt.Fprintf(f.IO.Out, "streamscale generate      %9.0f records/s\n", res.Generator)
			fmt.Fprintf(f.IO.Out, "kafka-producer-perf-test  %9.0f records/s\n", res.Kafka)
			fmt.Fprintf(f.IO.Out, "ratio                     %9.2f\n", res.Ratio)
			return nil
		},
	}
	conn.addKafka(cmd.Flags())
	fs := cmd.Flags()
	fs.Int64Var(&cfg.Records, "records", 500_000, "records per run")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "runs of each producer, alternating")
	fs.IntVar(&cfg.RecordSize, "record-size", 0, "perf tool record size in bytes (default: the generator's mean event size)")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of each benchmark topic")
	fs.DurationVar(&cfg.Linger, "linger", 0, "linger for both producers (default 5ms)")
	fs.Int32Var(&cfg.BatchBytes, "batch-bytes", 0, "batch size for both producers (default 1 MiB)")
	fs.StringVar(&runtimeDir, "runtime-dir", local.DefaultRuntimeDir(), "directory with the Maven-built kafka/ classpath")
	fs.StringVar(&javaHome, "java-home", "", "JDK for the perf tool (default $JAVA_HOME, then java on PATH)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}
