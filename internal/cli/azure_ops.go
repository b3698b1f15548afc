package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

// azureTarget names an existing deployment: the flags report, verify and ui share.
type azureTarget struct {
	resourceGroup, prefix, subscription string
}

func (a *azureTarget) add(fs *pflag.FlagSet) {
	fs.StringVar(&a.resourceGroup, "resource-group", "", "resource group azure up created (required)")
	fs.StringVar(&a.prefix, "prefix", plan.DefaultPrefix, "the --prefix azure up was given")
	fs.StringVar(&a.subscription, "subscription", "", "Azure subscription ID (env "+EnvAzureSubscription+")")
}

// resolve validates the flags and returns the deployment they name.
func (a *azureTarget) resolve(f *Factory) (aztarget.Existing, error) {
	n, err := plan.NamesFor(a.prefix, a.resourceGroup)
	if err != nil {
		return aztarget.Existing{}, flagErrorf(err)
	}
	sub := f.azureSubscription(a.subscription)
	if err := azclient.Require(sub); err != nil {
		return aztarget.Existing{}, flagErrorf(err)
	}
	return aztarget.Existing{Clients: f.azureClients(), Subscription: sub, Names: n}, nil
}

type azureReportOptions struct {
	target   azureTarget
	from, to string
	units    int
	asJSON   bool
	asCSV    bool
	html     string
	png      string
	// prometheus is the Azure Monitor workspace's query endpoint for the job's Flink metrics;
	// flink reads it from the workspace `up` made.
	prometheus string
	flink      bool
}

func newAzureReportCmd(f *Factory) *cobra.Command {
	opts := &azureReportOptions{from: "1h"}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "The sample's per-minute Event Hubs table from Azure Monitor, with the MAX VALUE line",
		Long: `Read the two namespaces' metrics from Azure Monitor — IncomingMessages, IncomingBytes,
OutgoingMessages, OutgoingBytes and ThrottledRequests, Total per minute, per hub — and print the
sample's table, with a MAX VALUE line per minute when --throughput-units is given
(TU × 60,000 messages / 60 MB in, TU × 245,760 messages / 120 MB out). Azure counts messages
once each way: they show as both records and batches; throttled requests are in FAILED.
--html and --png draw the same page as ` + "`streamscale report`" + `.`,
		Example: `  streamscale azure report --resource-group RG --from 30m --throughput-units 12
  streamscale azure report --resource-group RG --from 2026-11-29T10:00:00Z --to 2026-11-29T10:10:00Z --csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return azureReportRun(cmd.Context(), f, opts) },
	}
	opts.target.add(cmd.Flags())
	cmd.Flags().StringVar(&opts.from, "from", opts.from, "start: RFC 3339 or a duration ago (30m)")
	cmd.Flags().StringVar(&opts.to, "to", "", "end (default: now)")
	cmd.Flags().IntVar(&opts.units, "throughput-units", 0, "each namespace's throughput units, for the MAX VALUE line (the tier's 2/6/12)")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the rows as JSON")
	cmd.Flags().BoolVar(&opts.asCSV, "csv", false, "print the rows as CSV")
	cmd.Flags().StringVar(&opts.html, "html", "", "also write the table and a chart per hub as a self-contained HTML page to this file")
	cmd.Flags().StringVar(&opts.png, "png", "", "also render the HTML page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
	cmd.Flags().BoolVar(&opts.flink, "flink", false, "also the job's Flink metrics per minute from the Azure Monitor workspace azure up made (managed Prometheus)")
	cmd.Flags().StringVar(&opts.prometheus, "prometheus-endpoint", "", "also the job's Flink metrics per minute from this Azure Monitor workspace's Prometheus query endpoint (https://…prometheus.monitor.azure.com)")
	return cmd
}

func azureReportRun(ctx context.Context, f *Factory, opts *azureReportOptions) error {
	dep, err := opts.target.resolve(f)
	if err != nil {
		return err
	}
	now := time.Now()
	from, err := hubmetrics.ParseWhen(opts.from, now)
	if err != nil {
		return flagErrorf(fmt.Errorf("--from: %w", err))
	}
	to := now
	if opts.to != "" {
		if to, err = hubmetrics.ParseWhen(opts.to, now); err != nil {
			return flagErrorf(fmt.Errorf("--to: %w", err))
		}
	}
	h, err := dep.Traffic(opts.units)
	if err != nil {
		return err
	}
	rec, err := h.Rows(ctx, from, to)
	if err != nil {
		return err
	}
	if err := writeReportFiles(ctx, f, &hubReportOptions{html: opts.html, png: opts.png}, rec); err != nil {
		return err
	}
	r := aztarget.Report{Hubs: rec, Units: opts.units}
	if opts.flink || opts.prometheus != "" {
		if opts.prometheus, r.Flink, err = dep.FlinkRows(ctx, opts.prometheus, from, to); err != nil {
			return err
		}
	}
	r.WithFlink = opts.prometheus != ""
	format := hubmetrics.FormatTable
	switch {
	case opts.asJSON:
		format = hubmetrics.FormatJSON
	case opts.asCSV:
		format = hubmetrics.FormatCSV
	}
	return r.Write(f.IO.Out, format)
}

type azureVerifyOptions struct {
	target azureTarget
	idle   time.Duration
	asJSON bool
	// job is --job: the job the deployment runs (relay or complex).
	job string
}

func newAzureVerifyCmd(f *Factory) *cobra.Command {
	opts := &azureVerifyOptions{idle: 30 * time.Second}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the output hub with the verifier's listen-only rule: every event once, latency percentiles",
		Long: `Read the hub "out" of namespace #2 with the verifier-listen rule (its connection string comes
from Azure, never from a flag or a file) until it is idle for --idle-timeout, and run the
verifier's checks: gaps and repeats per device, both timestamps present, latency percentiles.
The rule can only listen on #2, so it checks the output alone (as ` + "`verify --from-beginning`" + `).

It reads which job the deployment runs from the cluster (which FlinkDeployment is there:
streamscale-relay or streamscale-complex). For the complex job it reconciles the job's tags
instead: it also reads the whole of hub "in" with namespace #1's verifier-listen rule,
recomputes the tags every device's events make, and checks each came out once (as
` + "`verify --from-beginning --job complex`" + `). A --job that contradicts the cluster is refused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return azureVerifyRun(cmd.Context(), f, opts) },
	}
	opts.target.add(cmd.Flags())
	cmd.Flags().DurationVar(&opts.idle, "idle-timeout", opts.idle, "stop after this long without a new record")
	cmd.Flags().StringVar(&opts.job, "job", "", "the job the deployment runs (default: read from the cluster); relay checks every event once, complex reconciles the tags against those the whole input makes")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the result as JSON")
	return cmd
}

func azureVerifyRun(ctx context.Context, f *Factory, opts *azureVerifyOptions) error {
	var asked relay.Job
	if opts.job != "" {
		j, err := relay.ParseJob(opts.job)
		if err != nil {
			return flagErrorf(fmt.Errorf("--job: %w", err))
		}
		asked = j
	}
	dep, err := opts.target.resolve(f)
	if err != nil {
		return err
	}
	v, err := dep.Verify(ctx, asked)
	if err != nil {
		return err
	}
	// The verifier's own run, on the listen rule's connection in place of the flags' one.
	vf := *f
	vf.Kafka = v.OutConn
	vo := &verifyOptions{conn: vf.newConn(), topic: plan.HubOut, inputTopic: plan.HubIn, fromBeginning: true,
		idle: opts.idle, asJSON: opts.asJSON, interval: 10 * time.Second, grace: time.Minute, checks: verify.DefaultChecks()}
	if v.Job == relay.JobComplex {
		vo.job, vo.inputConn = verify.JobComplex, v.In
	}
	return verifyRun(ctx, &vf, vo)
}

type azureUIOptions struct {
	target azureTarget
	port   int
}

func newAzureUICmd(f *Factory) *cobra.Command {
	opts := &azureUIOptions{port: kube.UIPort}
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Open the Flink UI of the AKS deployment on 127.0.0.1 through a Kubernetes port-forward",
		Long: `Forward 127.0.0.1:--port to the JobManager's UI port (8081) in the AKS cluster until Ctrl-C.
The UI is never exposed outside the cluster (its service is ClusterIP; the sample put it on a
public IP without authentication); this forward is the only way in, with your Azure identity.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return azureUIRun(cmd.Context(), f, opts) },
	}
	opts.target.add(cmd.Flags())
	cmd.Flags().IntVar(&opts.port, "port", opts.port, "local port on 127.0.0.1")
	return cmd
}

func azureUIRun(ctx context.Context, f *Factory, opts *azureUIOptions) error {
	dep, err := opts.target.resolve(f)
	if err != nil {
		return err
	}
	if opts.port < 1 || opts.port > 65535 {
		return flagErrorf(fmt.Errorf("--port %d: give 1-65535", opts.port))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	return dep.UI(ctx, opts.port, f.IO.ErrOut, func(pod string) {
		fmt.Fprintf(f.IO.Out, "Flink UI of %s: http://127.0.0.1:%d (Ctrl-C to stop)\n", strings.TrimSpace(pod), opts.port)
	})
}
