package aztarget

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/hubreport"
)

// Options name a deployment `azure up` made: the flags `azure report`, `verify` and `ui`
// share. Resolve validates them.
type Options struct {
	ResourceGroup, Prefix, Subscription string
}

// AddFlags adds --resource-group, --prefix and --subscription (AddNameFlags).
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	AddNameFlags(fs, &o.ResourceGroup, &o.Prefix, &o.Subscription)
}

// AddNameFlags adds the flags that name what `azure up` made, into the given fields (`azure
// run` keeps them in its plan.Config).
func AddNameFlags(fs *pflag.FlagSet, group, prefix, subscription *string) {
	fs.StringVar(group, "resource-group", "", "resource group azure up created (required)")
	fs.StringVar(prefix, "prefix", plan.DefaultPrefix, "the --prefix azure up was given")
	azclient.AddSubscriptionFlag(fs, subscription)
}

// Resolve validates the options and returns the deployment they name, the subscription read
// with getenv when not given (azclient.Subscription). Its errors are the settings' own, for
// the caller to report as usage errors.
func (o Options) Resolve(clients *azclient.Clients, getenv func(string) string) (Existing, error) {
	n, err := plan.NamesFor(o.Prefix, o.ResourceGroup)
	if err != nil {
		return Existing{}, err
	}
	sub := azclient.Subscription(o.Subscription, getenv)
	if err := azclient.Require(sub); err != nil {
		return Existing{}, err
	}
	return Existing{Clients: clients, Subscription: sub, Names: n}, nil
}

// Window is `azure report`'s window: from and to are RFC 3339 times or durations ago
// (hubmetrics.ParseWhen), to "" is now. Its errors name the flag.
func Window(from, to string, now time.Time) (time.Time, time.Time, error) {
	f, err := hubmetrics.ParseWhen(from, now)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("--from: %w", err)
	}
	t := now
	if to != "" {
		if t, err = hubmetrics.ParseWhen(to, now); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("--to: %w", err)
		}
	}
	return f, t, nil
}

// ReportOptions are what `azure report` adds to the hubs' table.
type ReportOptions struct {
	// Units are each namespace's throughput units, for the MAX VALUE line (0: none).
	Units int
	// Files are the HTML page and PNG of the hubs' table to write too (hubreport.WriteFiles).
	Files htmlreport.Files
	// Flink adds the job's Flink metrics from the Azure Monitor workspace `up` made;
	// Prometheus, when set, is the workspace's query endpoint to read them from instead.
	Flink      bool
	Prometheus string
}

// Report is `azure report` over [from, to): the two hubs' per-minute rows from Azure Monitor,
// their HTML page and PNG when asked for (log is told of them), then the job's Flink metrics
// when asked for.
func (e Existing) Report(ctx context.Context, from, to time.Time, o ReportOptions, log io.Writer) (Report, error) {
	h, err := e.Traffic(o.Units)
	if err != nil {
		return Report{}, err
	}
	r := Report{Units: o.Units}
	if r.Hubs, err = h.Rows(ctx, from, to); err != nil {
		return Report{}, err
	}
	if err := hubreport.WriteFiles(ctx, o.Files, r.Hubs, "", log); err != nil {
		return Report{}, err
	}
	endpoint := o.Prometheus
	if o.Flink || endpoint != "" {
		if endpoint, r.Flink, err = e.FlinkRows(ctx, endpoint, from, to); err != nil {
			return Report{}, err
		}
	}
	r.WithFlink = endpoint != ""
	return r, nil
}
