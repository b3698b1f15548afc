package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// azureUpHDInsight is `azure up --platform hdinsight`: the shared steps
// (provision.Runner.UpShared), then the HDInsight ones (hdinsight.UpAll).
func azureUpHDInsight(ctx context.Context, f *Factory, opts *azureUpOptions, base *plan.Plan) error {
	if opts.hdi.Workers < 1 {
		return flagErrorf(fmt.Errorf("--hdi-workers %d: give 1 to 100 worker nodes", opts.hdi.Workers))
	}
	p, err := hdinsight.New(base, opts.hdi)
	if err != nil {
		return flagErrorf(err)
	}
	if opts.dryRun {
		fmt.Fprintln(f.IO.Out, "dry run: nothing is created and no Azure credentials are used")
		fmt.Fprintln(f.IO.Out)
		return p.Write(f.IO.Out)
	}
	if err := azclient.Require(base.Config.Subscription); err != nil {
		return flagErrorf(err)
	}
	if _, err := os.Stat(opts.jobJar); err != nil {
		return flagErrorf(fmt.Errorf("--job-jar %s: %w (build it with `make build`)", opts.jobJar, err))
	}
	if err := azureChecksFirst(ctx, f, opts, base, p); err != nil {
		return err
	}
	clients, err := f.azureClients().ARM(base.Config.Subscription)
	if err != nil {
		return err
	}
	hc, err := f.azureClients().HDInsight(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "azure up --platform hdinsight: tier %d into resource group %s (%s)\n", base.Tier.Number, base.Config.ResourceGroup, base.Config.Location)
	shared := &provision.Runner{Plan: base, Clients: clients, Out: f.IO.Out}
	r := &hdinsight.Runner{Plan: p, Clients: hc, Out: f.IO.Out, RelayJar: opts.jobJar}
	if _, _, err := hdinsight.UpAll(ctx, shared, r); err != nil {
		return fmt.Errorf("azure up --platform hdinsight: %w", err)
	}
	return nil
}
