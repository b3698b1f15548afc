package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/bench/gorelay"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func newBenchCompareCmd(f *Factory) *cobra.Command {
	conn, run, asJSON := f.newConn(), &bench.CompareRun{Options: *pipeline.DefaultJobOptions()}, false
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Compare the relay with the broker's ceiling, a plain Go relay and the sample's own job",
		Long: `Run each contender in turn on the same stack, against the same open-loop generator load and
the same verifier (exact offset windows, every input event matched in the output), with the
same record size, partitions and parallelism:

  broker-ceiling     Kafka's ProducerPerformance writing one topic while ConsumerPerformance
                     reads another at the same time: the most any relay could reach here
  go-relay           the relay a Go engineer would write with franz-go, as a child process:
                     the relay job's JSON validation (invalid records to the dead-letter
                     topic) and stamps, produce asynchronously while the next poll runs
                     (linger 2 ms, acks=all), a committer that commits each input
                     partition's offset once every earlier record of it is acknowledged
                     (at-least-once), at most 20,000 records / 32 MiB in flight (the poll
                     waits at the bound)
  sample-job         the sample's job ported to Flink 2.2: event time, Jackson parse into a
                     POJO, keyBy deviceId, drop eventIds seen among the device's last 100,
                     checkpoints every 500 ms (build/jobs/sample-job.jar)
  streamscale-relay  our relay job, at-least-once (and its -exactly-once, -dedup and -none
                     variants)
  streamscale-complex
                     the complex job (job submit --job complex), at-least-once: its output
                     is tags, so each step reconciles the tags its input makes, its latency
                     is the tag latency (append time − the trigger event's enqueuedAt) and it
                     is judged by that latency and its last tag's catch-up

For each relay: the latency at fixed rates (pipeline and end-to-end percentiles from the
verifier), the max sustainable rate (doubling from --search-start, then bisecting: the highest
rate at which the generator keeps its schedule, the output catches up within 2 s of the last
send, nothing is missing and p99 pipeline latency is at most 1 s), CPU seconds per million
events of its own processes (the Go relay's process; for Flink jobs the JobManager and the
TaskManagers together) and of
the broker apart, over the fixed-rate steps, and its resident memory. Every contender gets
fresh topics, deleted afterwards. --quick runs a short version (a few minutes). Without
--brokers and --flink-url it starts the local stack where none is up, as run does.`,
		Example: `  streamscale bench compare --quick
  streamscale bench compare --json > compare.json
  streamscale bench compare --contenders go-relay,streamscale-relay --rates 5000,20000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchCompare(cmd.Context(), f, conn, run, asJSON)
		},
	}
	fs, job := cmd.Flags(), &run.Options
	conn.AddKafkaFlags(fs)
	conn.AddFlinkFlag(fs)
	fs.StringVar(&job.JarPath, "job-jar", job.JarPath, "the relay job jar built by make build")
	fs.StringVar(&job.Brokers, "job-brokers", "", "bootstrap servers as the Flink jobs see them (default: --brokers)")
	fs.DurationVar(&job.CheckpointInterval, "checkpoint-interval", job.CheckpointInterval, "our relay job's checkpoint interval (the sample job's is 500 ms, as in the sample)")
	job.AddTuningFlags(fs)
	fs.StringVar(&job.KafkaPropertiesFile, "job-kafka-properties-file", "", "Kafka Java client properties for our relay's source and sink (e.g. fetch.min.bytes, to compare client settings), by its path on the Flink JobManager")
	fs.StringVar(&run.SampleJar, "sample-jar", bench.SampleJobJarPath(local.BuildDir()), "the ported sample job jar built by make build")
	run.Tools.AddFlags(fs)
	fs.Int32Var(&run.Partitions, "partitions", 2, "partitions of every topic and every contender's parallelism (needs that many free slots)")
	fs.StringSliceVar(&run.Contenders, "contenders", bench.AllContenders, "contenders to run, in this order")
	fs.BoolVar(&run.Quick, "quick", false, "a short run (a few minutes): 5 s steps at 1k and 5k/s and a short search")
	fs.DurationVar(&run.Step, "step", 0, "how long each load step sends (default 20s; --quick 5s)")
	fs.Float64SliceVar(&run.Rates, "rates", nil, "fixed rates of the latency table, events/s (default 1000,5000,10000,20000; --quick 1000,5000)")
	fs.Float64Var(&run.SearchStart, "search-start", 0, "first rate of the max-rate search, events/s (default 10000; --quick 5000)")
	fs.BoolVar(&run.NoSearch, "no-search", false, "measure the fixed rates only, no max-rate search (to compare settings at given loads)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	fs.StringVar(&run.HTML, "html", "", "also write the result as a self-contained HTML page with charts (offered rate vs p99 latency, max rate, CPU per million events)")
	fs.Int64Var(&run.GoRelayDropEvery, "test-only-go-relay-drop-every", 0, "TEST ONLY: the go-relay contender drops every n-th record (to check that a loss is reported); never for a measurement")
	_ = fs.MarkHidden("test-only-go-relay-drop-every")
	fs.StringVar(&run.PNG, "png", "", "also render that page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
	return cmd
}

func runBenchCompare(ctx context.Context, f *Factory, conn *pipeline.Connection, run *bench.CompareRun, asJSON bool) error {
	if err := run.Check(f.Getenv); err != nil {
		return flagErrorf(err)
	}
	if !conn.External() {
		// As for run: the local stack, started where it is not up, with slots for the
		// contenders' parallelism.
		if err := bench.StartLocal(ctx, conn.Home, run.Tools.RuntimeDir, int(run.Partitions), f.IO.ErrOut); err != nil {
			return fmt.Errorf("bench compare: %w", err)
		}
	}
	t, err := bench.NewTarget(conn, run.Options, &run.Tools, run.Partitions, false)
	if err != nil {
		return usageOf(err)
	}
	cfg := run.CompareConfig
	cfg.Conn, cfg.Flink, cfg.Job, cfg.Java, cfg.KafkaClasspath = t.Conn, t.Flink, t.Job, t.Java, t.KafkaClasspath
	cfg.GoRelay = bench.GoRelayProcess(t.Conn, f.IO.ErrOut, run.GoRelayDropEvery)
	if !conn.ExternalKafka() {
		cfg.BrokerPIDs, cfg.FlinkPIDs = bench.LocalProcesses(ctx, conn.Home)
	}
	res, err := bench.Compare(ctx, cfg, f.IO.ErrOut)
	if err != nil {
		return fmt.Errorf("bench compare: %w", err)
	}
	if err := writeResult(f.IO.Out, asJSON, res); err != nil {
		return err
	}
	out := htmlreport.Output{Getenv: f.Getenv, Log: f.IO.ErrOut}
	if err := res.WriteFiles(ctx, out, htmlreport.Files{HTML: run.HTML, PNG: run.PNG}); err != nil {
		return err
	}
	return res.Err()
}

func newBenchGoRelayCmd(f *Factory) *cobra.Command {
	conn, gr := f.newConn(), &gorelay.Command{}
	cmd := &cobra.Command{
		Use:    "go-relay",
		Short:  "The Go relay contender of bench compare (franz-go, pipelined; runs until interrupted)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if gr.Conn, err = conn.KafkaConn(); err != nil {
				return usageOf(err)
			}
			return gr.Run(cmd.Context())
		},
	}
	conn.AddKafkaFlags(cmd.Flags())
	gr.AddFlags(cmd.Flags())
	return cmd
}
