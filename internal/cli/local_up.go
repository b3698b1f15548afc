package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
)

type localUpOptions struct {
	IO    IOStreams
	Stack local.Config
}

func newLocalUpCmd(f *Factory, runF func(context.Context, *localUpOptions) error) *cobra.Command {
	opts := &localUpOptions{IO: f.IO, Stack: local.DefaultConfig()}
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return localUpRun(cmd.Context(), opts)
		},
	}
	opts.Stack.AddFlags(cmd.Flags())
	cmd.Flags().IntVar(&opts.Stack.KafkaBrokers, "kafka-brokers", 0, "Kafka brokers: 1 or 3 (three KRaft nodes, each broker and controller; topics get replication factor 3, min.insync.replicas 2; broker i's ports are the --kafka-port, --controller-port and --metrics-port plus 10×i); default: what the state directory's Kafka was formatted for, else 1")
	cmd.Flags().IntVar(&opts.Stack.StandbyTaskManagers, "standby-taskmanagers", 0, "spare TaskManager JVMs beyond --taskmanagers, so a job that loses one restarts at once on their free slots (a running stack keeps its standbys; local up starts a dead one again)")
	cmd.Flags().IntVar(&opts.Stack.EventHubsTier, "eventhubs-tier", 0, "make the broker behave like the sample tier's Event Hubs Standard namespace (1, 5 or 10: 1 MB/s in and 2 MB/s out per throughput unit for all clients together, messages up to 1 MB, no transactions); 0: no limits (a running broker keeps its tier)")
	return cmd
}

func localUpRun(ctx context.Context, opts *localUpOptions) error {
	if err := opts.Stack.Validate(); err != nil {
		return flagErrorf(err)
	}
	st, err := local.New(opts.Stack, nil)
	if err != nil {
		return err
	}
	status, err := st.Up(ctx, opts.IO.ErrOut)
	if err != nil {
		return fmt.Errorf("local up: %w", err)
	}
	printAddresses(opts.IO.Out, status)
	return nil
}

func printAddresses(w io.Writer, s local.Status) {
	fmt.Fprintf(w, "Kafka bootstrap   %s\n", s.Kafka.Bootstrap)
	fmt.Fprintf(w, "Flink REST / UI   %s\n", s.Flink.REST)
	if y := s.Yarn; y != nil {
		fmt.Fprintf(w, "YARN RM / UI      %s\n", y.ResourceManagerURL)
		for _, a := range y.Applications {
			fmt.Fprintf(w, "YARN application  %s (%s, %d containers)\n", a.ID, a.State, len(a.Containers))
		}
	}
	if s.Flink.JobManagerMetrics != "" {
		fmt.Fprintf(w, "Flink metrics     %s (JobManager), %s (TaskManagers)\n", s.Flink.JobManagerMetrics, strings.Join(s.Flink.TaskManagerMetrics, ", "))
	}
	fmt.Fprintf(w, "TaskManagers      %d (%d slots)\n", s.Flink.TaskManagersRegistered, s.Flink.SlotsTotal)
	fmt.Fprintf(w, "State directory   %s\n", s.Home)
}
