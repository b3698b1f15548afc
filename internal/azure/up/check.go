package up

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/preflight"
)

// CheckOptions are everything `azure check` is given.
type CheckOptions struct {
	Config plan.Config
	// Platform is AKS or HDInsight; HDI sizes the HDInsight cluster.
	Platform string
	HDI      hdinsight.Spec
	// CallTimeout bounds each call to Azure.
	CallTimeout time.Duration
}

// RunCheck is `azure check`: the plan from the options, then the preflight checks, reported
// on out. A failed check returns an error wrapping preflight.ErrChecksFailed; a wrong
// setting an *InputError.
func RunCheck(ctx context.Context, o CheckOptions, clients *azclient.Clients, out io.Writer) error {
	if o.CallTimeout <= 0 {
		return inputErr(fmt.Errorf("--call-timeout %s: give a positive duration", o.CallTimeout))
	}
	p, err := plan.New(o.Config)
	if err != nil {
		return inputErr(err)
	}
	var hdi *hdinsight.Plan
	switch o.Platform {
	case AKS:
	case HDInsight:
		if hdi, err = hdinsight.New(p, o.HDI); err != nil {
			return inputErr(err)
		}
	default:
		return inputErr(fmt.Errorf("--platform %q: use aks or hdinsight", o.Platform))
	}
	if err := azclient.Require(p.Config.Subscription); err != nil {
		return inputErr(err)
	}
	return Check(ctx, clients, out, p, hdi, o.CallTimeout)
}

// Check runs the preflight checks for a plan (hdi: for the HDInsight platform) and prints
// the report; `azure check` and the start of `azure up` share it. A failed check returns an
// error wrapping preflight.ErrChecksFailed.
func Check(ctx context.Context, clients *azclient.Clients, out io.Writer, p *plan.Plan, hdi *hdinsight.Plan, callTimeout time.Duration) error {
	if _, err := clients.Credential(); err != nil {
		return err
	}
	platform := AKS
	if hdi != nil {
		platform = HDInsight
	}
	fmt.Fprintf(out, "azure check: tier %d on %s in resource group %s (%s)\n", p.Tier.Number, platform, p.Config.ResourceGroup, p.Config.Location)
	rep, err := clients.Preflight(ctx, preflight.Config{Plan: p, HDInsight: hdi, CallTimeout: callTimeout})
	if err != nil {
		return err
	}
	if err := rep.Write(out); err != nil {
		return err
	}
	return rep.Err()
}
