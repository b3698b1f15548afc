package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// azureUpHDInsight is `azure up --platform hdinsight`.
func azureUpHDInsight(_ context.Context, f *Factory, _ *azureDeps, opts *azureUpOptions, base *plan.Plan) error {
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
	return flagErrorf(errors.New("--platform hdinsight: this build plans the HDInsight cluster (--dry-run) but does not create it yet; use --dry-run, or --platform aks"))
}
