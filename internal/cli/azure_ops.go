package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/hubreport"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

type azureReportOptions struct {
	target        aztarget.Options
	report        aztarget.ReportOptions
	from, to      string
	asJSON, asCSV bool
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
	}
	opts.target.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.from, "from", opts.from, "start: RFC 3339 or a duration ago (30m)")
	cmd.Flags().StringVar(&opts.to, "to", "", "end (default: now)")
	cmd.Flags().IntVar(&opts.report.Units, "throughput-units", 0, "each namespace's throughput units, for the MAX VALUE line (the tier's 2/6/12)")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the rows as JSON")
	cmd.Flags().BoolVar(&opts.asCSV, "csv", false, "print the rows as CSV")
	hubreport.AddFileFlags(cmd.Flags(), &opts.report.Files)
	cmd.Flags().BoolVar(&opts.report.Flink, "flink", false, "also the job's Flink metrics per minute from the Azure Monitor workspace azure up made (managed Prometheus)")
	cmd.Flags().StringVar(&opts.report.Prometheus, "prometheus-endpoint", "", "also the job's Flink metrics per minute from this Azure Monitor workspace's Prometheus query endpoint (https://…prometheus.monitor.azure.com)")
	return newCommand(f, cmd, opts, nil, azureReportRun)
}

func azureReportRun(ctx context.Context, f *Factory, opts *azureReportOptions) error {
	dep, err := opts.target.Resolve(f.azureClients(), f.Getenv)
	if err != nil {
		return flagErrorf(err)
	}
	from, to, err := aztarget.Window(opts.from, opts.to, time.Now())
	if err != nil {
		return flagErrorf(err)
	}
	r, err := dep.Report(ctx, from, to, opts.report, f.IO.ErrOut)
	if err != nil {
		return err
	}
	return r.Write(f.IO.Out, hubmetrics.FormatOf(opts.asJSON, opts.asCSV))
}

type azureVerifyOptions struct {
	target aztarget.Options
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
	}
	opts.target.AddFlags(cmd.Flags())
	cmd.Flags().DurationVar(&opts.idle, "idle-timeout", opts.idle, "stop after this long without a new record")
	cmd.Flags().StringVar(&opts.job, "job", "", "the job the deployment runs (default: read from the cluster); relay checks every event once, complex reconciles the tags against those the whole input makes")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the result as JSON")
	return newCommand(f, cmd, opts, nil, azureVerifyRun)
}

func azureVerifyRun(ctx context.Context, f *Factory, opts *azureVerifyOptions) error {
	asked := relay.Job(opts.job) // "": the cluster says
	if _, err := relay.ParseJob(opts.job); opts.job != "" && err != nil {
		return flagErrorf(fmt.Errorf("--job: %w", err))
	}
	dep, err := opts.target.Resolve(f.azureClients(), f.Getenv)
	if err != nil {
		return flagErrorf(err)
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
	target aztarget.Options
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
	}
	opts.target.AddFlags(cmd.Flags())
	cmd.Flags().IntVar(&opts.port, "port", opts.port, "local port on 127.0.0.1")
	return newCommand(f, cmd, opts, nil, azureUIRun)
}

func azureUIRun(ctx context.Context, f *Factory, opts *azureUIOptions) error {
	dep, err := opts.target.Resolve(f.azureClients(), f.Getenv)
	if err != nil {
		return flagErrorf(err)
	}
	if opts.port < 1 || opts.port > 65535 {
		return flagErrorf(fmt.Errorf("--port %d: give 1-65535", opts.port))
	}
	return dep.UI(ctx, opts.port, f.IO.ErrOut, func(pod string) {
		fmt.Fprintf(f.IO.Out, "Flink UI of %s: http://127.0.0.1:%d (Ctrl-C to stop)\n", strings.TrimSpace(pod), opts.port)
	})
}
