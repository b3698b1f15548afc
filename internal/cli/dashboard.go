package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/dashboard"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
)

// dashboardOptions are `dashboard`'s flags: where it serves, and its sources and header as the
// dashboard's Config.
type dashboardOptions struct {
	conn  *pipeline.Connection
	serve dashboard.Serving
	cfg   dashboard.Config
	tier  int
}

func newDashboardCmd(f *Factory, runF func(context.Context, *dashboardOptions) error) *cobra.Command {
	opts := &dashboardOptions{conn: f.newConn()}
	info := &opts.cfg.Info
	cmd := newCommand(f, &cobra.Command{
		Use:   "dashboard",
		Short: "Serve a live web page of a running pipeline",
		Long: `Serve a read-only web page that follows a running pipeline live (server-sent events):
records/s per hub against the Event Hubs MAX VALUE line, the relay's consumer lag, pipeline and
end-to-end latency p50/p99 per interval (from a tail of the output topic), the Flink job's state,
uptime, restarts, checkpoints, backpressure and records per task (Flink REST), the job's own
relayed and dead-lettered counters (Flink's Prometheus reporter) and the broker's throttle time.

By default it follows the local stack; point --brokers, --flink-url, --metrics-url and
--flink-metrics-url at any other Kafka and Flink. It binds 127.0.0.1 unless --listen says
otherwise. Stop it with Ctrl-C.`,
		Example: `  streamscale dashboard --open
  streamscale dashboard --brokers kafka:9092 --flink-url http://flink:8081 \
    --metrics-url http://kafka:9404/metrics --flink-metrics-url http://tm-0:9249/metrics`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("tier") {
				return nil
			}
			if err := info.SetTier(opts.tier, cmd.Flags().Changed("throughput-units")); err != nil {
				return flagErrorf(fmt.Errorf("--tier: %w", err))
			}
			return nil
		},
	}, opts, runF, dashboardRun)
	fs := cmd.Flags()
	opts.conn.AddKafkaFlags(fs)
	opts.conn.AddFlinkFlag(fs)
	opts.serve.AddFlags(fs, "")
	fs.StringSliceVar(&opts.cfg.MetricsURLs, "metrics-url", nil, "brokers' metrics endpoints in Prometheus format, comma-separated or repeated, summed (default: the local stack's)")
	fs.StringSliceVar(&opts.cfg.FlinkMetricsURLs, "flink-metrics-url", nil, "Flink's Prometheus reporter endpoints (TaskManagers, JobManager), comma-separated or repeated (default: the local stack's)")
	fs.StringVar(&info.InTopic, "in", "in", "input topic")
	fs.StringVar(&info.OutTopic, "out", "out", "output topic")
	fs.StringVar(&info.Group, "group", "streamscale-relay", "the relay's consumer group, for its lag")
	fs.StringVar(&info.JobID, "job-id", "", "Flink job to show (default: the newest relay job that has not ended)")
	fs.IntVar(&info.ThroughputUnits, "throughput-units", 0, "Event Hubs throughput units for the MAX VALUE lines (0: none)")
	fs.IntVar(&opts.tier, "tier", 0, "the sample's tier, shown in the header; sets --throughput-units to its 2/6/12")
	return cmd
}

func dashboardRun(ctx context.Context, f *Factory, opts *dashboardOptions) error {
	if err := opts.serve.Validate(""); err != nil {
		return flagErrorf(err)
	}
	if len(opts.cfg.MetricsURLs) == 0 && opts.conn.ExternalKafka() {
		return flagErrorf(errors.New("--brokers (or Event Hubs) without --metrics-url: give the metrics endpoint of each broker with --metrics-url"))
	}
	c := opts.cfg
	var err error
	if c.Conn, err = opts.conn.KafkaConn(); err != nil {
		return err
	}
	if c.FlinkURL, err = opts.conn.FlinkAddress(); err != nil {
		return err
	}
	c.Log = f.IO.ErrOut
	// The local stack's endpoints fill in what the flags leave out, for the parts that run there.
	c.FillFromLocal(opts.conn.Home, dashboard.LocalSources{Metrics: true, Units: true, FlinkMetrics: opts.conn.LocalFlink()})
	srv, err := opts.serve.Start(ctx, c)
	if err != nil {
		return err
	}
	<-ctx.Done() // Ctrl-C
	srv.Wait()
	return nil
}

// startRunDashboard serves the dashboard for `run --dashboard`: the run's brokers, Flink, job,
// tier, guarantee and target rate. It keeps serving past a first Ctrl-C (the run still
// drains and verifies); the returned stop ends it.
func startRunDashboard(ctx context.Context, f *Factory, opts *runOptions, conn kafkaconn.Conn, flinkURL, jobID, guarantee string) (func(), error) {
	c := dashboard.Config{Conn: conn, FlinkURL: flinkURL, MetricsURLs: opts.site.MetricsURLs, Log: f.IO.ErrOut,
		Info: dashboard.Info{InTopic: opts.topics.In, OutTopic: opts.topics.Out, Group: "streamscale-relay", JobID: jobID,
			Guarantee: guarantee, ThroughputUnits: opts.units, TargetPerSec: opts.gen.cfg.Rate}}
	if opts.topics.Partitions == 0 {
		c.Info.Tier = strconv.Itoa(opts.topics.Tier)
	}
	c.FillFromLocal(opts.site.Local.Home, dashboard.LocalSources{Metrics: !opts.conn.ExternalKafka(), FlinkMetrics: opts.conn.LocalFlink()})
	return opts.dash.Background(ctx, c)
}
