package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/runlog"
)

type hubReportOptions struct {
	conn        *pipeline.Connection
	home        string
	metricsURLs []string
	topics      string
	interval    time.Duration
	intervalSet bool
	duration    time.Duration
	follow      bool
	units       int
	unitsSet    bool
	asJSON      bool
	asCSV       bool
	run         string
	from, to    string
	html, png   string
}

// stored reports whether the options ask for recorded rows rather than live sampling.
func (o *hubReportOptions) stored() bool { return o.run != "" || o.from != "" || o.to != "" }

func newHubReportCmd(f *Factory) *cobra.Command {
	opts := &hubReportOptions{conn: f.newConn(), home: local.DefaultHome(), topics: "in,out", interval: time.Minute}
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
			opts.intervalSet = cmd.Flags().Changed("interval")
			opts.unitsSet = cmd.Flags().Changed("throughput-units")
			if err := opts.validate(); err != nil {
				return flagErrorf(err)
			}
			var rec hubmetrics.Recording
			var err error
			if opts.stored() {
				rec, err = storedRows(cmd.Context(), opts, time.Now())
			} else {
				rec, err = liveRows(cmd.Context(), f, opts)
			}
			if err != nil {
				return err
			}
			if !opts.follow {
				if err := hubmetrics.WriteRows(f.IO.Out, opts.format(), rec.Rows, hubmetrics.Capacity{ThroughputUnits: rec.ThroughputUnits}); err != nil {
					return err
				}
			}
			return writeReportFiles(cmd.Context(), f, opts, rec)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.conn.Source.Brokers, "brokers", "", "Kafka bootstrap servers, for consumer-group offsets (default: the local stack's broker)")
	opts.conn.AddSecurityFlags(fs)
	fs.StringVar(&opts.home, "home", opts.home, "state directory of the local stack: its metrics endpoint and recorded runs (env STREAMSCALE_HOME)")
	fs.StringSliceVar(&opts.metricsURLs, "metrics-url", nil, "brokers' metrics endpoints in Prometheus format, comma-separated or repeated: one per broker, summed (default: the local stack's)")
	fs.StringVar(&opts.topics, "topics", opts.topics, "topics to report, comma-separated (hub #1, hub #2, …)")
	fs.DurationVar(&opts.interval, "interval", opts.interval, "width of a row (the sample uses 1m); for recorded rows, regroup them to this width")
	fs.DurationVar(&opts.duration, "duration", 0, "how long to sample (default: one interval)")
	fs.BoolVar(&opts.follow, "follow", false, "print a row as each interval closes, until Ctrl-C (or --duration)")
	fs.IntVar(&opts.units, "throughput-units", 0, "Event Hubs throughput units for the MAX VALUE line (0: no line; recorded rows keep the run's)")
	fs.StringVar(&opts.run, "run", "", "show the table that streamscale run recorded for this run id (\"last\" for the latest)")
	fs.StringVar(&opts.from, "from", "", "recorded rows from this time: RFC 3339 (2026-11-25T04:00:00Z) or a duration ago (30m)")
	fs.StringVar(&opts.to, "to", "", "recorded rows until this time: RFC 3339 or a duration ago (default: now)")
	fs.StringVar(&opts.html, "html", "", "also write the table and a chart per hub as a self-contained HTML page to this file")
	fs.StringVar(&opts.png, "png", "", "also render the HTML page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
	fs.BoolVar(&opts.asJSON, "json", false, "print the rows as JSON (one object per row with --follow)")
	fs.BoolVar(&opts.asCSV, "csv", false, "print the rows as CSV")
	return cmd
}

func (o *hubReportOptions) validate() error {
	switch {
	case o.interval < time.Second:
		return fmt.Errorf("--interval: %s is shorter than 1s", o.interval)
	case o.asJSON && o.asCSV:
		return errors.New("--json and --csv: pick one")
	case o.stored() && (o.follow || o.duration > 0):
		return errors.New("--run/--from/--to show recorded rows: drop --follow and --duration (they sample live)")
	case o.units < 0:
		return fmt.Errorf("--throughput-units: %d is negative", o.units)
	}
	return nil
}

// liveRows samples the broker now, for --duration (or until Ctrl-C with --follow, printing
// each row as it closes).
func liveRows(ctx context.Context, f *Factory, opts *hubReportOptions) (hubmetrics.Recording, error) {
	urls := opts.metricsURLs
	if len(urls) == 0 && opts.conn.ExternalKafka() {
		// The local stack's counters beside another cluster's consumer offsets would be a
		// table of two clusters.
		return hubmetrics.Recording{}, flagErrorf(errors.New("--brokers (or Event Hubs) without --metrics-url: give the metrics endpoint of each broker with --metrics-url"))
	}
	if len(urls) == 0 {
		ep, err := local.ReadEndpoints(opts.home)
		if err != nil {
			return hubmetrics.Recording{}, err
		}
		urls = []string{ep.MetricsURL}
		if !opts.unitsSet && ep.EventHubs.Enabled() { // the broker emulates a tier: its capacity
			opts.units = ep.EventHubs.ThroughputUnits
		}
	}
	opts.conn.Home = opts.home
	conn, err := opts.conn.KafkaConn()
	if err != nil {
		return hubmetrics.Recording{}, usageOf(err)
	}
	cl, err := conn.NewClient()
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	defer cl.Close()
	rows, err := hubReportRun(ctx, f.IO.Out, hubmetrics.BrokerSource(urls, cl), opts)
	return hubmetrics.Recording{Interval: hubmetrics.Duration(opts.interval), ThroughputUnits: opts.units, Rows: rows}, err
}

// hubReportRun samples src (hubmetrics.Sample) for --duration (one interval by default), or
// with --follow until Ctrl-C (or --duration), printing each row as it closes.
func hubReportRun(ctx context.Context, w io.Writer, src hubmetrics.Source, opts *hubReportOptions) ([]hubmetrics.Row, error) {
	topics := strings.Split(opts.topics, ",")
	var print func(hubmetrics.Row) error
	if opts.follow {
		var err error
		if print, err = hubmetrics.RowPrinter(w, opts.format(), topics, hubmetrics.Capacity{ThroughputUnits: opts.units}); err != nil {
			return nil, err
		}
	}
	return hubmetrics.Sample(ctx, src, hubmetrics.SampleConfig{Topics: topics, Interval: opts.interval, Duration: opts.duration, Follow: opts.follow, OnRow: print})
}

// format is --json, --csv or the table.
func (o *hubReportOptions) format() hubmetrics.RowFormat {
	switch {
	case o.asJSON:
		return hubmetrics.FormatJSON
	case o.asCSV:
		return hubmetrics.FormatCSV
	}
	return hubmetrics.FormatTable
}

// storedRows reads the rows `streamscale run` recorded: one run's (--run) or every run's that
// overlap --from/--to, regrouped to --interval when given.
func storedRows(ctx context.Context, opts *hubReportOptions, now time.Time) (hubmetrics.Recording, error) {
	span, err := hubmetrics.ParseSpan(opts.from, opts.to, now)
	if err != nil {
		return hubmetrics.Recording{}, flagErrorf(err)
	}
	runsDir := local.RunsDir(opts.home)
	out, err := hubmetrics.Recorded(ctx, runlog.TrafficHistory{Dir: runsDir, Run: opts.run}, span, runsDir)
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	if opts.intervalSet {
		out = out.Regrouped(opts.interval)
	}
	if opts.unitsSet {
		out.ThroughputUnits = opts.units
	}
	return out, nil
}

// writeReportFiles writes the --html page and renders the --png (from the same page).
func writeReportFiles(ctx context.Context, f *Factory, opts *hubReportOptions, rec hubmetrics.Recording) error {
	if opts.html == "" && opts.png == "" {
		return nil
	}
	if len(rec.Rows) == 0 {
		return errors.New("no rows to draw: sample at least one interval")
	}
	page := htmlreport.Report{Title: "streamscale broker traffic", Traffic: rec.Rows, Capacity: hubmetrics.Capacity{ThroughputUnits: rec.ThroughputUnits}}
	if rec.Run != "" {
		page.Title = "streamscale run " + rec.Run
		r, err := runlog.Load(local.RunsDir(opts.home), rec.Run)
		if err != nil {
			return err
		}
		if err := page.AddRun(r); err != nil {
			return err
		}
	}
	out := htmlreport.Output{Getenv: os.Getenv, Log: f.IO.ErrOut}
	return out.WriteReport(ctx, htmlreport.Files{HTML: opts.html, PNG: opts.png}, page)
}
