package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/hubreport"
	"github.com/streamscale/streamscale/internal/local"
)

func newHubReportCmd(f *Factory) *cobra.Command {
	opts := &hubreport.Options{Home: local.DefaultHome(), Topics: "in,out", Interval: time.Minute}
	conn := f.newConn()
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The sample's per-interval table: records, batches and bytes in and out per topic, from the broker's own counters",
		Long: `Sample the broker's own per-topic counters (the Prometheus JMX exporter that ` + "`local up`" + `
attaches to the broker) every --interval and print, per topic (hub #1 = in, hub #2 = out): records
appended, produce batches (what Event Hubs counts as incoming messages), bytes in, records read
(committed by consumer groups), bytes out, fetch requests, failed produce requests and the
time the broker throttled clients over quotas. With --throughput-units a MAX VALUE line shows
the Event Hubs capacity for the interval. The figures come from the broker, not from
streamscale's generator, so they are an independent measurement.

Past windows: ` + "`streamscale run`" + ` samples the same table during every run and keeps it in
<home>/runs/<id>/run.json. --run shows a run's table, --from/--to the recorded rows that
overlap a time window (RFC 3339, or a duration meaning that long ago); --interval then
regroups the rows, e.g. 10-second samples per minute as in the sample.

--html writes a self-contained page with a chart per hub (records in and out per second over
each interval, against the MAX VALUE lines); --png renders that page with headless Chromium for docs.`,
		Example: `  streamscale report --interval 10s --duration 1m
  streamscale report --follow --throughput-units 2
  streamscale report --run last --interval 1m --throughput-units 1 --html report.html --png report.png
  streamscale report --from 2h --to 1h --csv > traffic.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IntervalSet, opts.UnitsSet = cmd.Flags().Changed("interval"), cmd.Flags().Changed("throughput-units")
			conn.Home = opts.Home
			opts.ExternalKafka, opts.Conn = conn.ExternalKafka(), conn.KafkaConn
			if err := opts.Validate(); err != nil {
				return flagErrorf(err)
			}
			return usageOf(hubreport.Run(cmd.Context(), *opts, f.IO.Out, f.IO.ErrOut))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&conn.Source.Brokers, "brokers", "", "Kafka bootstrap servers, for consumer-group offsets (default: the local stack's broker)")
	conn.AddSecurityFlags(fs)
	fs.StringVar(&opts.Home, "home", opts.Home, "state directory of the local stack: its metrics endpoint and recorded runs (env STREAMSCALE_HOME)")
	fs.StringSliceVar(&opts.MetricsURLs, "metrics-url", nil, "brokers' metrics endpoints in Prometheus format, comma-separated or repeated: one per broker, summed (default: the local stack's)")
	fs.StringVar(&opts.Topics, "topics", opts.Topics, "topics to report, comma-separated (hub #1, hub #2, …)")
	fs.DurationVar(&opts.Interval, "interval", opts.Interval, "width of a row (the sample uses 1m); for recorded rows, regroup them to this width")
	fs.DurationVar(&opts.Duration, "duration", 0, "how long to sample (default: one interval)")
	fs.BoolVar(&opts.Follow, "follow", false, "print a row as each interval closes, until Ctrl-C (or --duration)")
	fs.IntVar(&opts.Units, "throughput-units", 0, "Event Hubs throughput units for the MAX VALUE line (0: no line; recorded rows keep the run's)")
	fs.StringVar(&opts.Run, "run", "", "show the table that streamscale run recorded for this run id (\"last\" for the latest)")
	fs.StringVar(&opts.From, "from", "", "recorded rows from this time: RFC 3339 (2026-11-25T04:00:00Z) or a duration ago (30m)")
	fs.StringVar(&opts.To, "to", "", "recorded rows until this time: RFC 3339 or a duration ago (default: now)")
	hubreport.AddFileFlags(fs, &opts.Files)
	fs.BoolVar(&opts.JSON, "json", false, "print the rows as JSON (one object per row with --follow)")
	fs.BoolVar(&opts.CSV, "csv", false, "print the rows as CSV")
	return cmd
}
