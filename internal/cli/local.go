package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
)

func newLocalCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Start, inspect and stop the local Kafka broker and Flink cluster",
		Long: `The local stack is one Apache Kafka node (KRaft, broker and controller in one JVM) and an
Apache Flink session cluster (a JobManager with the REST API and web UI, and one or more
TaskManagers, each its own JVM), all bound to 127.0.0.1; with --flink-on yarn the Flink session
runs as a YARN application on a single-node YARN cluster instead. Its configuration, data, logs
and pids live in one state directory (--home, default ~/.streamscale).`,
	}
	cmd.AddCommand(newLocalUpCmd(f, nil), newLocalStatusCmd(f, nil), newLocalDownCmd(f, nil))
	return cmd
}

func newLocalUpCmd(f *Factory, runF func(context.Context, *local.Config) error) *cobra.Command {
	stack := local.DefaultConfig()
	cmd := newCommand(f, &cobra.Command{
		Use:   "up",
		Short: "Start whatever part of the local stack is not running and wait until it is healthy",
		Long: `Start the local Kafka broker and Flink session cluster, or the parts of it that are not
running (a crashed TaskManager, say), and wait until the broker answers metadata requests and
Flink reports its TaskManagers and slots. Running it again is safe.

With --flink-on yarn the Flink session runs as a YARN application on a single-node YARN
cluster (a ResourceManager and a NodeManager from Apache Hadoop's jars) instead of in JVMs of
its own; every other command finds its REST address in the state directory.`,
		Example: `  streamscale local up
  streamscale local up --taskmanagers 2 --slots 4
  streamscale local up --home /tmp/ss --kafka-port 19092 --flink-rest-port 18081
  streamscale local up --flink-on yarn
  streamscale local up --kafka-brokers 3   # replicated: RF 3, min.insync.replicas 2`,
		Args: cobra.NoArgs,
	}, &stack, runF, localUpRun)
	fs := cmd.Flags()
	stack.AddFlags(fs)
	fs.IntVar(&stack.KafkaBrokers, "kafka-brokers", 0, "Kafka brokers: 1 or 3 (three KRaft nodes, each broker and controller; topics get replication factor 3, min.insync.replicas 2; broker i's ports are the --kafka-port, --controller-port and --metrics-port plus 10×i); default: what the state directory's Kafka was formatted for, else 1")
	fs.IntVar(&stack.StandbyTaskManagers, "standby-taskmanagers", 0, "spare TaskManager JVMs beyond --taskmanagers, so a job that loses one restarts at once on their free slots (a running stack keeps its standbys; local up starts a dead one again)")
	fs.IntVar(&stack.EventHubsTier, "eventhubs-tier", 0, "make the broker behave like the sample tier's Event Hubs Standard namespace (1, 5 or 10: 1 MB/s in and 2 MB/s out per throughput unit for all clients together, messages up to 1 MB, no transactions); 0: no limits (a running broker keeps its tier)")
	return cmd
}

func localUpRun(ctx context.Context, f *Factory, stack *local.Config) error {
	if err := stack.Validate(); err != nil {
		return flagErrorf(err)
	}
	st, err := local.New(*stack, nil)
	if err != nil {
		return err
	}
	status, err := st.Up(ctx, f.IO.ErrOut)
	if err != nil {
		return fmt.Errorf("local up: %w", err)
	}
	return local.Addresses(status).WriteText(f.IO.Out)
}

// localOptions are the flags of `local status` (--json) and `local down` (--purge).
type localOptions struct {
	stack         local.Config
	asJSON, purge bool
}

func newLocalStatusCmd(f *Factory, runF func(context.Context, *localOptions) error) *cobra.Command {
	opts := &localOptions{stack: local.DefaultConfig()}
	cmd := newCommand(f, &cobra.Command{
		Use:   "status",
		Short: "Show each process of the local stack: pid, health, ports and log",
		Long: `Show each process of the local stack with its pid, health, address and log file.
Exits 1 when the stack is not fully healthy, so scripts can wait on it.`,
		Example: `  streamscale local status
  streamscale local status --json | jq .flink.taskmanagerPids`,
		Args: cobra.NoArgs,
	}, opts, runF, localStatusRun)
	opts.stack.AddHomeFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the status as JSON")
	return cmd
}

func localStatusRun(ctx context.Context, f *Factory, opts *localOptions) error {
	st, err := local.New(opts.stack, nil)
	if err != nil {
		return err
	}
	status, err := st.Status(ctx)
	if err != nil {
		return err
	}
	if err := writeResult(f.IO.Out, opts.asJSON, status); err != nil || status.Healthy() {
		return err
	}
	return ErrSilent
}

func newLocalDownCmd(f *Factory, runF func(context.Context, *localOptions) error) *cobra.Command {
	opts := &localOptions{stack: local.DefaultConfig()}
	cmd := newCommand(f, &cobra.Command{
		Use:   "down",
		Short: "Stop every process of the local stack by its recorded pid",
		Long: `Stop the local stack's TaskManagers, JobManager and broker by their recorded pids: SIGTERM,
then SIGKILL after --stop-timeout. With Flink on YARN, the Flink session's YARN application is
killed through YARN first, then the NodeManager and the ResourceManager are stopped. Data and
logs stay in the state directory unless --purge.`,
		Example: `  streamscale local down
  streamscale local down --purge   # also delete data, logs and config`,
		Args: cobra.NoArgs,
	}, opts, runF, localDownRun)
	opts.stack.AddHomeFlags(cmd.Flags())
	cmd.Flags().DurationVar(&opts.stack.StopTimeout, "stop-timeout", opts.stack.StopTimeout, "how long to wait after SIGTERM before SIGKILL")
	cmd.Flags().BoolVar(&opts.purge, "purge", false, "also delete the state directory (data, logs, configuration)")
	return cmd
}

func localDownRun(ctx context.Context, f *Factory, opts *localOptions) error {
	st, err := local.New(opts.stack, nil)
	if err != nil {
		return err
	}
	// Stopping must finish even after Ctrl-C, or processes would be left behind.
	if err := st.Down(context.WithoutCancel(ctx), opts.purge, f.IO.ErrOut); err != nil {
		return fmt.Errorf("local down: %w", err)
	}
	fmt.Fprintln(f.IO.Out, "local stack stopped")
	return nil
}
