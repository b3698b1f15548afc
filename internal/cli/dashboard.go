package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/dashboard"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
)

// dashFlags are the dashboard's own flags, shared by `dashboard` and `run --dashboard`.
type dashFlags struct {
	port             int
	listen           string
	open             bool
	interval         time.Duration
	flinkMetricsURLs []string
}

func (d *dashFlags) add(fs *pflag.FlagSet, prefix string) {
	fs.IntVar(&d.port, prefix+"port", 8090, "dashboard port on 127.0.0.1")
	fs.StringVar(&d.listen, prefix+"listen", "", "dashboard address to bind instead of 127.0.0.1:PORT, e.g. 0.0.0.0:8090 (the page has no authentication: anyone who reaches it sees it)")
	fs.BoolVar(&d.open, prefix+"open", false, "open the dashboard in the browser")
	fs.DurationVar(&d.interval, prefix+"interval", 2*time.Second, "how often the dashboard samples its sources")
}

func (d *dashFlags) validate(prefix string) error {
	if d.listen == "" && (d.port < 0 || d.port > 65535) {
		return flagErrorf(fmt.Errorf("--%sport: %d is not a TCP port (0-65535)", prefix, d.port))
	}
	if d.interval < 500*time.Millisecond {
		return flagErrorf(fmt.Errorf("--%sinterval: %s is shorter than 500ms", prefix, d.interval))
	}
	return nil
}

func (d *dashFlags) addr() string {
	if d.listen != "" {
		return d.listen
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.port))
}

type dashboardOptions struct {
	conn        *pipeline.Connection
	dash        dashFlags
	metricsURLs []string
	in, out     string
	group       string
	jobID       string
	units       int
	tier        int
}

func newDashboardCmd(f *Factory, runF func(context.Context, *dashboardOptions) error) *cobra.Command {
	opts := &dashboardOptions{conn: f.newConn()}
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("tier") {
				u, err := kafkaconn.ThroughputUnitsForTier(opts.tier)
				if err != nil {
					return flagErrorf(fmt.Errorf("--tier: %w", err))
				}
				if !cmd.Flags().Changed("throughput-units") {
					opts.units = u
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dashboardRun(cmd.Context(), f, opts)
		},
	}
	fs := cmd.Flags()
	opts.conn.AddKafkaFlags(fs)
	opts.conn.AddFlinkFlag(fs)
	opts.dash.add(fs, "")
	fs.StringSliceVar(&opts.metricsURLs, "metrics-url", nil, "brokers' metrics endpoints in Prometheus format, comma-separated or repeated, summed (default: the local stack's)")
	fs.StringSliceVar(&opts.dash.flinkMetricsURLs, "flink-metrics-url", nil, "Flink's Prometheus reporter endpoints (TaskManagers, JobManager), comma-separated or repeated (default: the local stack's)")
	fs.StringVar(&opts.in, "in", "in", "input topic")
	fs.StringVar(&opts.out, "out", "out", "output topic")
	fs.StringVar(&opts.group, "group", "streamscale-relay", "the relay's consumer group, for its lag")
	fs.StringVar(&opts.jobID, "job-id", "", "Flink job to show (default: the newest relay job that has not ended)")
	fs.IntVar(&opts.units, "throughput-units", 0, "Event Hubs throughput units for the MAX VALUE lines (0: none)")
	fs.IntVar(&opts.tier, "tier", 0, "the sample's tier, shown in the header; sets --throughput-units to its 2/6/12")
	return cmd
}

func dashboardRun(ctx context.Context, f *Factory, opts *dashboardOptions) error {
	if err := opts.dash.validate(""); err != nil {
		return err
	}
	if len(opts.metricsURLs) == 0 && opts.conn.ExternalKafka() {
		return flagErrorf(errors.New("--brokers (or Event Hubs) without --metrics-url: give the metrics endpoint of each broker with --metrics-url"))
	}
	conn, err := opts.conn.KafkaConn()
	if err != nil {
		return usageOf(err)
	}
	flinkURL, err := opts.conn.FlinkAddress()
	if err != nil {
		return err
	}
	c := dashboard.Config{Conn: conn, FlinkURL: flinkURL, MetricsURLs: opts.metricsURLs, FlinkMetricsURLs: opts.dash.flinkMetricsURLs,
		Info: dashboard.Info{InTopic: opts.in, OutTopic: opts.out, Group: opts.group, JobID: opts.jobID, ThroughputUnits: opts.units}}
	if opts.tier != 0 {
		c.Info.Tier = strconv.Itoa(opts.tier)
	}
	// The local stack's endpoints fill in what the flags leave out, for the parts that run there.
	c.FillFromLocal(opts.conn.Home, dashboard.LocalSources{Metrics: true, Units: true, FlinkMetrics: opts.conn.LocalFlink()})
	srv, err := startDashboard(ctx, f.IO.ErrOut, &opts.dash, c)
	if err != nil {
		return err
	}
	<-ctx.Done() // Ctrl-C
	srv.Wait()
	return nil
}

// startDashboard starts dashboard.Start with the flags' address and interval and the sources
// in c: it binds the address, prints it, and serves until ctx ends.
func startDashboard(ctx context.Context, errOut io.Writer, d *dashFlags, c dashboard.Config) (*dashboard.Running, error) {
	c.Addr, c.Exposed, c.Interval, c.Open, c.Log = d.addr(), d.listen != "", d.interval, d.open, errOut
	return dashboard.Start(ctx, c)
}

// startRunDashboard serves the dashboard for `run --dashboard`: the run's brokers, Flink, job,
// tier, guarantee and target rate. It keeps serving past a first Ctrl-C (the run still
// drains and verifies); the returned stop ends it.
func startRunDashboard(ctx context.Context, f *Factory, opts *runOptions, conn kafkaconn.Conn, flinkURL, jobID, guarantee string) (func(), error) {
	c := dashboard.Config{Conn: conn, FlinkURL: flinkURL, MetricsURLs: opts.metricsURLs,
		Info: dashboard.Info{InTopic: opts.topics.In, OutTopic: opts.topics.Out, Group: "streamscale-relay", JobID: jobID,
			Guarantee: guarantee, ThroughputUnits: opts.units, TargetPerSec: opts.gen.cfg.Rate}}
	if opts.topics.Partitions == 0 {
		c.Info.Tier = strconv.Itoa(opts.topics.Tier)
	}
	c.FillFromLocal(opts.stack.Home, dashboard.LocalSources{Metrics: !opts.conn.ExternalKafka(), FlinkMetrics: opts.conn.LocalFlink()})
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d, err := startDashboard(dctx, f.IO.ErrOut, &opts.dash, c)
	if err != nil {
		cancel()
		return nil, err
	}
	return func() { cancel(); d.Wait() }, nil
}
