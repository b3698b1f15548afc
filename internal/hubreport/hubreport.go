// Package hubreport is `streamscale report`: the sample's per-interval table of the hubs'
// traffic, sampled live from the brokers' own counters or read from what runs recorded, and
// the same rows as an HTML page with a chart per hub (and its PNG). The cli parses flags into
// Options and calls Run.
package hubreport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
)

// Options are everything `report` is given.
type Options struct {
	// Home is the local stack's state directory: its metrics endpoint and recorded runs.
	Home string
	// MetricsURLs are the brokers' metrics endpoints (none: the local stack's).
	MetricsURLs []string
	// Topics are the topics reported, comma-separated.
	Topics string
	// Interval is a row's width; for recorded rows, IntervalSet regroups them to it.
	Interval    time.Duration
	IntervalSet bool
	// Duration is how long to sample live (0: one interval; with Follow, until ctx ends).
	Duration time.Duration
	// Follow prints a row as each interval closes.
	Follow bool
	// Units are the throughput units of the MAX VALUE line; recorded rows keep the run's
	// unless UnitsSet.
	Units    int
	UnitsSet bool
	// JSON and CSV pick the rows' format (neither: the table).
	JSON, CSV bool
	// Run, From and To pick recorded rows: one run's ("last": the latest), or every run's in
	// the window.
	Run, From, To string
	// Files are the HTML page and its PNG to write too ("": none).
	Files htmlreport.Files
	// ExternalKafka says the user named a Kafka of their own; Conn is the Kafka connection
	// the consumer groups' offsets are read from (live rows only).
	ExternalKafka bool
	Conn          func() (kafkaconn.Conn, error)
}

// Stored reports whether the options ask for recorded rows rather than live sampling.
func (o *Options) Stored() bool { return o.Run != "" || o.From != "" || o.To != "" }

// Format is --json, --csv or the table.
func (o *Options) Format() hubmetrics.RowFormat { return hubmetrics.FormatOf(o.JSON, o.CSV) }

// Validate checks the options; its errors name the flag.
func (o *Options) Validate() error {
	switch {
	case o.Interval < time.Second:
		return fmt.Errorf("--interval: %s is shorter than 1s", o.Interval)
	case o.JSON && o.CSV:
		return errors.New("--json and --csv: pick one")
	case o.Stored() && (o.Follow || o.Duration > 0):
		return errors.New("--run/--from/--to show recorded rows: drop --follow and --duration (they sample live)")
	case o.Units < 0:
		return fmt.Errorf("--throughput-units: %d is negative", o.Units)
	case o.Stored():
		_, err := hubmetrics.ParseSpan(o.From, o.To, time.Now())
		return err
	case len(o.MetricsURLs) == 0 && o.ExternalKafka:
		// The local stack's counters beside another cluster's consumer offsets would be a
		// table of two clusters.
		return errors.New("--brokers (or Event Hubs) without --metrics-url: give the metrics endpoint of each broker with --metrics-url")
	}
	return nil
}

// Run is `report` (Validate first): the rows, recorded or sampled live, printed on out (as
// each closes with Follow), then the HTML page and PNG, which log is told of.
func Run(ctx context.Context, o Options, out, log io.Writer) error {
	var rec hubmetrics.Recording
	var err error
	if o.Stored() {
		rec, err = o.stored(ctx, time.Now())
	} else {
		rec, err = o.live(ctx, out)
	}
	if err != nil {
		return err
	}
	if !o.Follow {
		if err := hubmetrics.WriteRows(out, o.Format(), rec.Rows, hubmetrics.Capacity{ThroughputUnits: rec.ThroughputUnits}); err != nil {
			return err
		}
	}
	return WriteFiles(ctx, o.Files, rec, local.RunsDir(o.Home), log)
}

// live samples the brokers now (Sample), the metrics endpoints the local stack's when none
// are given.
func (o *Options) live(ctx context.Context, w io.Writer) (hubmetrics.Recording, error) {
	urls := o.MetricsURLs
	if len(urls) == 0 {
		ep, err := local.ReadEndpoints(o.Home)
		if err != nil {
			return hubmetrics.Recording{}, err
		}
		urls = []string{ep.MetricsURL}
		if !o.UnitsSet && ep.EventHubs.Enabled() { // the broker emulates a tier: its capacity
			o.Units = ep.EventHubs.ThroughputUnits
		}
	}
	conn, err := o.Conn()
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	cl, err := conn.NewClient()
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	defer cl.Close()
	rows, err := Sample(ctx, w, hubmetrics.BrokerSource(urls, cl), o)
	return hubmetrics.Recording{Interval: hubmetrics.Duration(o.Interval), ThroughputUnits: o.Units, Rows: rows}, err
}

// Sample samples src (hubmetrics.Sample) for Duration (one interval by default), or with
// Follow until ctx ends (or Duration), printing each row on w as it closes.
func Sample(ctx context.Context, w io.Writer, src hubmetrics.Source, o *Options) ([]hubmetrics.Row, error) {
	topics := strings.Split(o.Topics, ",")
	var print func(hubmetrics.Row) error
	if o.Follow {
		var err error
		if print, err = hubmetrics.RowPrinter(w, o.Format(), topics, hubmetrics.Capacity{ThroughputUnits: o.Units}); err != nil {
			return nil, err
		}
	}
	return hubmetrics.Sample(ctx, src, hubmetrics.SampleConfig{Topics: topics, Interval: o.Interval, Duration: o.Duration, Follow: o.Follow, OnRow: print})
}

// stored reads the rows `streamscale run` recorded: one run's (Run) or every run's that
// overlap From/To, regrouped to Interval when IntervalSet.
func (o *Options) stored(ctx context.Context, now time.Time) (hubmetrics.Recording, error) {
	span, err := hubmetrics.ParseSpan(o.From, o.To, now)
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	runsDir := local.RunsDir(o.Home)
	out, err := hubmetrics.Recorded(ctx, runlog.TrafficHistory{Dir: runsDir, Run: o.Run}, span, runsDir)
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	if o.IntervalSet {
		out = out.Regrouped(o.Interval)
	}
	if o.UnitsSet {
		out.ThroughputUnits = o.Units
	}
	return out, nil
}

// WriteFiles writes the HTML page of rec to files.HTML and renders files.PNG from it (none:
// nothing); a recorded run's page (rec.Run, read from runsDir) has the run's measurements too.
// log is told of each file written. `report` and `azure report` share it.
func WriteFiles(ctx context.Context, files htmlreport.Files, rec hubmetrics.Recording, runsDir string, log io.Writer) error {
	if files.HTML == "" && files.PNG == "" {
		return nil
	}
	if len(rec.Rows) == 0 {
		return errors.New("no rows to draw: sample at least one interval")
	}
	page := htmlreport.Report{Title: "streamscale broker traffic", Traffic: rec.Rows, Capacity: hubmetrics.Capacity{ThroughputUnits: rec.ThroughputUnits}}
	if rec.Run != "" {
		page.Title = "streamscale run " + rec.Run
		r, err := runlog.Load(runsDir, rec.Run)
		if err != nil {
			return err
		}
		if err := page.AddRun(r); err != nil {
			return err
		}
	}
	out := htmlreport.Output{Getenv: os.Getenv, Log: log}
	return out.WriteReport(ctx, files, page)
}
