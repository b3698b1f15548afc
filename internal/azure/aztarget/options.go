package aztarget

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/hubmetrics"
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

// HubRows are the two hubs' per-minute rows from Azure Monitor over [from, to) (Traffic),
// with the MAX VALUE line of units TU.
func (e Existing) HubRows(ctx context.Context, units int, from, to time.Time) (hubmetrics.Recording, error) {
	h, err := e.Traffic(units)
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	return h.Rows(ctx, from, to)
}
