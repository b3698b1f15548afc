package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/local"
)

type hubReportOptions struct {
	conn       *connFlags
	home       string
	metricsURL string
	topics     string
	interval   time.Duration
	duration   time.Duration
	follow     bool
	units      int
	asJSON     bool
	asCSV      bool
}

func newHubReportCmd(f *Factory) *cobra.Command {
	opts := &hubReportOptions{conn: newConnFlags(f), home: local.DefaultHome(), topics: "in,out", interval: time.Minute}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The sample's per-interval table: records, batches and bytes in and out per topic, from the broker's own counters",
		Long: `Sample the broker's own per-topic counters (the Prometheus JMX exporter that ` + "`local up`" + `
attaches to the broker) every --interval and print, per topic (hub #1 = in, hub #2 = out): records
appended, produce batches (what Event Hubs counts as incoming messages), bytes in, records read
(committed by consumer groups), bytes out, fetch requests and failed produce requests. With --throughput-units a MAX VALUE line shows the Event
Hubs capacity for the interval. The figures come from the broker, not from streamscale's
generator, so they are an independent measurement.`,
		Example: `  streamscale report --interval 10s --duration 1m
  streamscale report --follow --throughput-units 2
  streamscale report --interval 10s --duration 30s --csv > traffic.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.interval < time.Second {
				return flagErrorf(fmt.Errorf("--interval: %s is shorter than 1s", opts.interval))
			}
			if opts.asJSON && opts.asCSV {
				return flagErrorf(errors.New("--json and --csv: pick one"))
			}
			url := opts.metricsURL
			if url == "" {
				ep, err := local.ReadEndpoints(opts.home)
				if err != nil {
					return err
				}
				url = ep.MetricsURL
			}
			opts.conn.home = opts.home
			conn, err := opts.conn.conn()
			if err != nil {
				return err
			}
			cl, err := conn.NewClient()
			if err != nil {
				return err
			}
			defer cl.Close()
			src := hubmetrics.WithGroupOffsets{Source: hubmetrics.PrometheusSource{URL: url}, Admin: kadm.NewClient(cl)}
			return hubReportRun(cmd.Context(), f.IO.Out, src, opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.conn.brokers, "brokers", "", "Kafka bootstrap servers, for consumer-group offsets (default: the local stack's broker)")
	opts.conn.addSecurity(fs)
	fs.StringVar(&opts.home, "home", opts.home, "state directory of the local stack whose metrics endpoint is the default (env STREAMSCALE_HOME)")
	fs.StringVar(&opts.metricsURL, "metrics-url", "", "broker metrics endpoint in Prometheus format (default: the local stack's)")
	fs.StringVar(&opts.topics, "topics", opts.topics, "topics to report, comma-separated (hub #1, hub #2, …)")
	fs.DurationVar(&opts.interval, "interval", opts.interval, "width of a row (the sample uses 1m)")
	fs.DurationVar(&opts.duration, "duration", 0, "how long to sample (default: one interval)")
	fs.BoolVar(&opts.follow, "follow", false, "print a row as each interval closes, until Ctrl-C")
	fs.IntVar(&opts.units, "throughput-units", 0, "Event Hubs throughput units for the MAX VALUE line (0: no line)")
	fs.BoolVar(&opts.asJSON, "json", false, "print the rows as JSON (one object per row with --follow)")
	fs.BoolVar(&opts.asCSV, "csv", false, "print the rows as CSV")
	return cmd
}

func hubReportRun(ctx context.Context, w io.Writer, src hubmetrics.Source, opts *hubReportOptions) error {
	topics := strings.Split(opts.topics, ",")
	prev, err := src.Snapshot(ctx)
	if err != nil {
		return err
	}
	duration := opts.duration
	if duration <= 0 {
		duration = opts.interval
	}
	capacity := hubmetrics.Capacity{ThroughputUnits: opts.units}
	var rows []hubmetrics.Row
	end := prev.At.Add(duration)
	for opts.follow || prev.At.Before(end.Add(-time.Millisecond)) {
		select {
		case <-ctx.Done():
			if opts.follow {
				return nil
			}
			return ctx.Err()
		case <-time.After(time.Until(prev.At.Add(opts.interval))):
		}
		cur, err := src.Snapshot(ctx)
		if err != nil {
			return err
		}
		row := hubmetrics.Delta(prev, cur, topics)
		prev = cur
		if opts.follow {
			if err := renderRows(w, []hubmetrics.Row{row}, capacity, opts); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, row)
	}
	return renderRows(w, rows, capacity, opts)
}

func renderRows(w io.Writer, rows []hubmetrics.Row, c hubmetrics.Capacity, opts *hubReportOptions) error {
	switch {
	case opts.asJSON:
		for _, r := range rows {
			writeJSON(w, r)
		}
		return nil
	case opts.asCSV:
		return hubmetrics.WriteCSV(w, rows)
	}
	return hubmetrics.WriteTable(w, rows, c)
}
